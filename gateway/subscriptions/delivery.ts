import type { Logger } from 'pino';
import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import type { Db } from '../plugins/db.ts';
import type { KafkaService } from '../plugins/kafka.ts';
import type { HostGuard } from '../security/host-guard.ts';
import type { RecordDecoder } from './delivered-record.ts';
import type { KafkaAccess } from './kafka-access.ts';
import { isActive, type DeliveryMode } from './model.ts';
import type { SubscriptionSecrets } from './secrets.ts';
import type { DeliveryContext, SubscriptionStore } from './store.ts';

/** What the delivery workers are built from; the plugin wires them to the app's services. */
export interface DeliveryDependencies {
  db: Db;
  kafka: KafkaService;
  kafkaAccess: KafkaAccess;
  store: SubscriptionStore;
  secrets: SubscriptionSecrets;
  decode: RecordDecoder;
  audit: Pick<AuditLog, 'record'>;
  hostGuard: HostGuard;
  log: Logger;
  clock: () => Date;
  webhook: { maxAttempts: number; backoffMs: number; timeoutMs: number };
}

/** A delivery context whose resource has a topic. */
export type ReadyContext = DeliveryContext & { resource: { topic: string } };

/**
 * The subscription's delivery context when it may still receive records in `mode` (of `topic`, when given): active
 * and not expired, not parked, its resource still shared and on that topic. Checked before every batch, so a
 * revoked, expired or withdrawn subscription gets nothing more; undefined otherwise.
 */
export async function deliverableContext(deps: Pick<DeliveryDependencies, 'store' | 'clock'>, subscriptionId: string, mode: DeliveryMode, topic?: string): Promise<ReadyContext | undefined> {
  const context = await deps.store.deliveryContext(subscriptionId);
  if (!context) return undefined;
  const { subscription, resource } = context;
  const ok =
    isActive(subscription, deps.clock()) &&
    subscription.deliveryMode === mode &&
    subscription.parked === null &&
    resource.sharingType !== 'not-shared' &&
    resource.topic !== null &&
    (topic === undefined || resource.topic === topic);
  return ok ? (context as ReadyContext) : undefined;
}

/**
 * Writes the audit entry of one delivery (counts and offsets, never contents) and adds to the subscription's
 * counter, in one transaction: before the delivery position is committed, so a delivery is never unaudited.
 */
export async function auditDelivery(deps: Pick<DeliveryDependencies, 'db' | 'store' | 'audit'>, principal: AuditActor, subscriptionId: string, details: { mode: DeliveryMode; records: number } & Record<string, unknown>): Promise<void> {
  await deps.db.transaction(async (client) => {
    await deps.audit.record({ principal, action: 'subscription.deliver', object: { type: 'subscription', id: subscriptionId }, details }, client);
    await deps.store.recordDelivery(subscriptionId, details.records, client);
  });
}
