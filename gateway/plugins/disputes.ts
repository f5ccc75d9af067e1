import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { findCorrections } from '../disputes/corrections.ts';
import { createDisputeService, type DisputeService } from '../disputes/service.ts';
import { createDisputeStore, type DisputeStore } from '../disputes/store.ts';
import { createTopicKeys } from '../kafka/topic-keys.ts';
import { createWarningStore } from '../quality/warning-store.ts';
import { dateInShanghai } from '../subscriptions/working-days.ts';

export interface DisputesOptions {
  /** DX_DISPUTE_ANSWER_WORKING_DAYS */
  answerWorkingDays: number;
  /** DX_DISPUTE_ATTACHMENT_MAX_BYTES */
  attachmentMaxBytes: number;
  /** How often overdue disputes are looked for and corrected records searched (DX_SCHEDULER_HEARTBEAT_MS). */
  heartbeatMs: number;
  /** DX_QUARANTINE_RETENTION_DAYS: warned records' positions are kept as long as rejected records. */
  warningRetentionDays: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Disputes (gateway/disputes/): the store and the service that changes them with their audit entries. */
    disputes: { store: DisputeStore; service: DisputeService };
  }
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Decorates `disputes`, after recounting the answer dates of open disputes under the holiday notices known. On ready, every heartbeat on every instance (each step is idempotent): tells the office of
 * disputes that became overdue, and links confirmed disputes to their corrected records on the resource topics;
 * hourly, purges old warned-record positions. Serves `dx_disputes_overdue`.
 */
async function disputesPlugin(app: FastifyInstance, options: DisputesOptions): Promise<void> {
  const log = app.log.child({ component: 'disputes' }) as unknown as Logger;
  const store = createDisputeStore(app.db, app.secretBox);
  const topics = createTopicKeys(app.kafka);
  const { clock, workingDays } = app.subscriptions;
  const service = createDisputeService({
    db: app.db,
    store,
    audit: app.audit,
    repository: app.catalog.repository,
    subscriptions: app.subscriptions.store,
    workingDays,
    topics,
    clock,
    // Derived from the subscription secret like the pseudonym keys, under a label no subscription id can take.
    digestKey: app.subscriptions.secrets.pseudonymKey('dispute-business-keys'),
    answerWorkingDays: options.answerWorkingDays,
    attachmentMaxBytes: options.attachmentMaxBytes,
  });
  const warnings = createWarningStore(app.db);
  for (const moved of await service.recountAnswerDates()) log.info({ dispute: moved.id, from: moved.from, to: moved.to }, 'dispute answer date recounted');

  new Gauge({
    name: 'dx_disputes_overdue',
    help: 'Open disputes past their answer date (the provider department has not answered in time)',
    registers: [app.metrics.registry],
    async collect() {
      this.set(await store.countOverdue(dateInShanghai(clock())));
    },
  });

  let timer: NodeJS.Timeout | undefined;
  let purgedAt = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  async function pass(): Promise<void> {
    for (const item of await service.notifyOverdue()) log.warn({ dispute: item.id, resource: item.resourceId, provider: item.providerCode, answerDue: item.answerDue }, 'dispute overdue: the data office is told');
    await findCorrections({ store, service, topics, log });
    if (Date.now() - purgedAt > PURGE_EVERY_MS) {
      purgedAt = Date.now();
      await warnings.purge(options.warningRetentionDays);
    }
  }
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().catch((err: unknown) => log.warn({ err }, 'dispute housekeeping failed; retried at the next heartbeat')).finally(schedule);
    }, options.heartbeatMs);
    timer.unref();
  }

  app.decorate('disputes', { store, service });
  app.addHook('onReady', async () => schedule());
  app.addHook('onClose', async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  });
}

export default fp(disputesPlugin, { name: 'dx-disputes', dependencies: ['dx-db', 'dx-kafka', 'dx-audit', 'dx-metrics', 'dx-catalog', 'dx-subscriptions', 'dx-secrets'] });
