import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { createLeases, SUBSCRIPTION_LEASES } from '../leasing/leases.ts';
import { createRecordDecoder, type RecordDecoder } from '../subscriptions/delivered-record.ts';
import type { DeliveryDependencies } from '../subscriptions/delivery.ts';
import { createKafkaAccess, type KafkaAccess } from '../subscriptions/kafka-access.ts';
import { kafkaPrincipalOf, removeTopicRead } from '../subscriptions/kafka-acls.ts';
import { effectiveStatus, subscriptionTopic } from '../subscriptions/model.ts';
import { startProjector } from '../subscriptions/projector.ts';
import { createDeliveryRuntime, type DeliveryRuntime } from '../subscriptions/runtime.ts';
import { deriveSecrets, loadSubscriptionSecret, type SubscriptionSecrets } from '../subscriptions/secrets.ts';
import { loadHolidayNotices } from '../subscriptions/holiday-notices.ts';
import { recountPendingReplies } from '../subscriptions/reply-recount.ts';
import { createSubscriptionStore, type SubscriptionStore } from '../subscriptions/store.ts';
import { createTopicSweep } from '../subscriptions/topic-sweep.ts';
import type { ReaderDependencies } from '../kafka/topic-reader.ts';
import { startWebhookDelivery } from '../subscriptions/webhook-delivery.ts';
import { createWorkingDays, type WorkingDays } from '../subscriptions/working-days.ts';

export interface SubscriptionsOptions {
  /** DX_SUBSCRIPTION_SECRET; unset: generated once and kept in the database. */
  secret?: string | undefined;
  heartbeatMs: number;
  leaseTtlMs: number;
  webhook: DeliveryDependencies['webhook'];
  /** Holiday notices added to those shipped in gateway/subscriptions/holiday-notices/. */
  holidayNoticesDir?: string | undefined;
  /** Open event streams allowed per principal and per instance (DX_STREAMS_PER_PRINCIPAL, DX_STREAMS_PER_INSTANCE). */
  streamLimits?: StreamLimits;
  /** DX_ALLOW_UNSECURED_KAFKA, and DX_SUBSCRIPTION_TOPIC_GRACE_HOURS in ms. */
  kafkaAccess?: { allowUnsecured: boolean; topicGraceMs: number };
}

export interface StreamLimits {
  perPrincipal: number;
  perInstance: number;
}

/** An open event stream, as registered in `streams`. */
export interface OpenStream {
  principalId: string;
  close(): Promise<void>;
}

export interface Subscriptions {
  store: SubscriptionStore;
  runtime: DeliveryRuntime;
  secrets: SubscriptionSecrets;
  decode: RecordDecoder;
  reader: ReaderDependencies;
  /** The catalogue's clock: deadlines, overdue flags and expiry are judged by it. */
  clock: () => Date;
  /** The working-day calendar of reply deadlines: statutory holidays and the State Council notices known. */
  workingDays: WorkingDays;
  /** Ends with the app: open event streams register here and are closed before the server closes. */
  streams: Set<OpenStream>;
  streamLimits: StreamLimits;
  /** Whether kafka delivery may run on this cluster (an authorizer, or DX_ALLOW_UNSECURED_KAFKA). */
  kafkaAccess: KafkaAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Subscriptions (gateway/subscriptions/): the store, the delivery runtime of this instance, per-subscription secrets. */
    subscriptions: Subscriptions;
  }
}

/**
 * Decorates `subscriptions`. Loads the holiday notices (a bad file stops the start) and recounts the reply dates of
 * pending requests under them. On ready, starts the delivery runtime (kafka projectors and webhook deliveries, each
 * subscription on the one instance holding its lease); on close, closes event streams and stops the runtime.
 * Registers the subscriptions with the catalogue's lineage.
 */
async function subscriptionsPlugin(app: FastifyInstance, options: SubscriptionsOptions): Promise<void> {
  const log = app.log.child({ component: 'subscriptions' }) as unknown as Logger;
  const { secret, source } = await loadSubscriptionSecret(app.db, options.secret, app.secretBox);
  if (source === 'database') log.info('subscription secret read from the database (DX_SUBSCRIPTION_SECRET is unset)');
  const store = createSubscriptionStore(app.db);
  const secrets = deriveSecrets(secret);
  const decode = createRecordDecoder(app.schemaRegistry);
  const clock = app.catalog.clock;
  const workingDays = createWorkingDays(loadHolidayNotices(options.holidayNoticesDir));
  await recountPendingReplies({ db: app.db, store, audit: app.audit, workingDays, log });
  const access = options.kafkaAccess ?? { allowUnsecured: false, topicGraceMs: 72 * 3_600_000 };
  const kafkaAccess = createKafkaAccess(app.kafka.admin, access.allowUnsecured);
  const sweepTopics = createTopicSweep({ kafka: app.kafka, store, clock, graceMs: access.topicGraceMs, log });
  const deps: DeliveryDependencies = { db: app.db, kafka: app.kafka, kafkaAccess, store, secrets, decode, audit: app.audit, hostGuard: app.pipeline.hostGuard, log, clock, webhook: options.webhook };

  async function housekeeping(): Promise<void> {
    for (const expired of await store.expireDue(clock())) {
      await app.audit.record({ principal: null, action: 'subscription.expire', object: { type: 'subscription', id: expired.id } });
      log.info({ subscription: expired.id }, 'subscription expired');
    }
    for (const closed of await store.aclsToRemove(clock())) {
      await store.setKafkaAcl(closed.id, await removeTopicRead(app.kafka.admin, subscriptionTopic(closed.id), kafkaPrincipalOf(closed.integratorId)));
    }
    await sweepTopics();
  }

  const runtime = createDeliveryRuntime({
    store,
    leases: createLeases(app.db, app.pipeline.instanceId, options.leaseTtlMs, SUBSCRIPTION_LEASES),
    log,
    clock,
    heartbeatMs: options.heartbeatMs,
    startWorker: (subscription) => (subscription.deliveryMode === 'kafka' ? startProjector : startWebhookDelivery)(deps, subscription.id, subscription.topic),
    housekeeping,
  });
  const streams = new Set<OpenStream>();
  const streamLimits = options.streamLimits ?? { perPrincipal: Infinity, perInstance: Infinity };

  app.catalog.lineage.setSubscriptionSource(async (resource, viewer) => {
    const mayList = viewer.kind === 'office' || (viewer.kind === 'department' && viewer.departmentCode === resource.providerCode) || viewer.kind === 'integrator';
    if (!mayList || (viewer.kind === 'integrator' && viewer.id === undefined)) return [];
    const items = await store.forResource(resource.id, viewer.kind === 'integrator' ? viewer.id : undefined);
    return items.map((item) => ({ subscriptionId: item.id, consumer: item.integratorName, state: effectiveStatus(item, clock()) }));
  });

  app.decorate('subscriptions', { store, runtime, secrets, decode, reader: { kafka: app.kafka.client, admin: app.kafka.admin }, clock, workingDays, streams, streamLimits, kafkaAccess });
  app.addHook('onReady', () => runtime.start());
  app.addHook('preClose', async () => {
    await Promise.allSettled([...streams].map((stream) => stream.close()));
  });
  app.addHook('onClose', () => runtime.stop());
}

export default fp(subscriptionsPlugin, { name: 'dx-subscriptions', dependencies: ['dx-db', 'dx-kafka', 'dx-audit', 'dx-schema-registry', 'dx-pipeline', 'dx-catalog'] });
