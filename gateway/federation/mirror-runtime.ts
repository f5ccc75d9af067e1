import type { KafkaAdmin } from '../kafka/client.ts';
import { createLeases, type LeaseTable } from '../leasing/leases.ts';
import type { KafkaAccess } from '../subscriptions/kafka-access.ts';
import { grantTopicRead, kafkaPrincipalOf, removeTopicRead } from '../subscriptions/kafka-acls.ts';
import { createDeliveryRuntime } from '../subscriptions/runtime.ts';
import { startMirrorWebhook, type MirrorDeliveryDependencies } from './mirror-delivery.ts';

export const FEDERATION_DELIVERY_LEASES: LeaseTable = { table: 'federation_delivery_leases', key: 'request_id' };

interface Row {
  id: string;
  integratorId: string;
  topic: string;
  kafkaAcl: string | null;
}

const ROWS = `SELECT f.id, f.integrator_id AS "integratorId", f.mirrored_topic AS topic, f.kafka_acl AS "kafkaAcl"
  FROM federation_requests f WHERE f.direction = 'outgoing' AND f.mirrored_topic IS NOT NULL`;
const OPEN = `f.status = 'active' AND (f.expires_at IS NULL OR f.expires_at > $1)`;

export interface MirrorRuntimeOptions extends MirrorDeliveryDependencies {
  admin: KafkaAdmin;
  kafkaAccess: KafkaAccess;
  instanceId: string;
  leaseTtlMs: number;
  heartbeatMs: number;
}

/**
 * Local delivery of mirrored topics, run as local subscriptions are: each webhook request on the one instance
 * holding its lease (table federation_delivery_leases), started when it becomes active, stopped when it is
 * revoked, expired or parked. Its housekeeping reconciles the kafka mode's ACLs: the integrator's principal may
 * read exactly its mirrored topic (and consumer groups named after it) while the request is active, and loses
 * that once it is revoked, rejected or expired (delivery.acl: applied, failed, no-authorizer, refused, removed).
 */
export function createMirrorRuntime(options: MirrorRuntimeOptions) {
  const { db, clock } = options;
  const log = options.log.child({ component: 'federation-delivery' });

  async function reconcileAcls(): Promise<void> {
    const now = clock();
    const toGrant = await db.query<Row>(`${ROWS} AND f.delivery_mode = 'kafka' AND ${OPEN} AND f.kafka_acl IS DISTINCT FROM 'applied'`, [now]);
    for (const row of toGrant.rows) {
      const state = await grantTopicRead({ admin: options.admin, access: options.kafkaAccess, log }, row.kafkaAcl, row.topic, kafkaPrincipalOf(row.integratorId));
      if (state !== row.kafkaAcl) await db.query('UPDATE federation_requests SET kafka_acl = $2 WHERE id = $1', [row.id, state]);
    }
    const toRemove = await db.query<Row>(`${ROWS} AND f.delivery_mode = 'kafka' AND f.kafka_acl = 'applied' AND NOT (${OPEN})`, [now]);
    for (const row of toRemove.rows) {
      const outcome = await removeTopicRead(options.admin, row.topic, kafkaPrincipalOf(row.integratorId));
      await db.query('UPDATE federation_requests SET kafka_acl = $2 WHERE id = $1', [row.id, outcome]);
      log.info({ federationRequest: row.id }, 'kafka read access to the mirrored topic removed');
    }
  }

  const runtime = createDeliveryRuntime({
    store: {
      async listDeliverable(now: Date) {
        const { rows } = await db.query<Row>(`${ROWS} AND f.delivery_mode = 'webhook' AND ${OPEN} AND f.parked IS NULL ORDER BY f.created_at`, [now]);
        return rows.map((row) => ({ id: row.id, deliveryMode: 'webhook' as const, topic: row.topic }));
      },
    },
    leases: createLeases(db, options.instanceId, options.leaseTtlMs, FEDERATION_DELIVERY_LEASES),
    log,
    clock,
    heartbeatMs: options.heartbeatMs,
    startWorker: (request) => startMirrorWebhook(options, request.id, request.topic),
    housekeeping: reconcileAcls,
  });
  return runtime;
}

export type MirrorRuntime = ReturnType<typeof createMirrorRuntime>;
