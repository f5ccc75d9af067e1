import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import type { Db } from '../db/database.ts';
import type { Worker } from '../kafka/group-consumer.ts';
import type { TopicMessage } from '../kafka/topic-message.ts';
import type { DeliveryDependencies } from '../subscriptions/delivery.ts';
import type { DeliveredRecord } from '../subscriptions/delivered-record.ts';
import type { ParkedBatch } from '../subscriptions/model.ts';
import { startWebhookWorker } from '../subscriptions/webhook-worker.ts';
import { firstCopies, mirroredRecord } from './mirror-records.ts';
import type { FederatedDeliveryMode, OutgoingRequest, OutgoingRequests } from './outgoing-requests.ts';

/** An outgoing request that may receive records now, with the name of its mirrored topic here. */
export type DeliverableRequest = OutgoingRequest & { mirroredTopic: string };

export interface MirrorDeliveryDependencies extends Pick<DeliveryDependencies, 'kafka' | 'hostGuard' | 'webhook' | 'secrets' | 'log' | 'clock'> {
  db: Db;
  audit: Pick<AuditLog, 'record'>;
  outgoing: Pick<OutgoingRequests, 'get'>;
}

/** The consumer group the gateway reads a mirrored topic with for one request's webhook. */
export const mirrorDeliveryGroup = (requestId: string) => `dx-gateway.fed.${requestId}`;

/**
 * The request when its mirrored topic may still be delivered in `mode`: active here (as last fetched from the
 * owner) and not expired, not parked, its topic known. Checked before every batch and every page, so a revocation
 * or expiry stops delivery at the next batch once this gateway knows of it.
 */
export async function deliverableRequest(deps: Pick<MirrorDeliveryDependencies, 'outgoing' | 'clock'>, requestId: string, mode: FederatedDeliveryMode): Promise<DeliverableRequest | undefined> {
  const request = await deps.outgoing.get(requestId);
  if (!request || request.status !== 'active' || request.deliveryMode !== mode || request.mirroredTopic === null || request.parked !== null) return undefined;
  if (request.expiresAt !== null && Date.parse(request.expiresAt) <= deps.clock().getTime()) return undefined;
  return { ...request, mirroredTopic: request.mirroredTopic };
}

/** The records of one partition's mirrored messages to deliver: as the owner projected them, each copy once. */
export async function deliverMirrored(db: Db, requestId: string, messages: readonly TopicMessage[], partition: number): Promise<DeliveredRecord[]> {
  return firstCopies(db, requestId, messages.map((message) => mirroredRecord(message, partition)).filter((record) => record !== undefined));
}

/** Audits one delivery (counts and offsets, never contents) and counts it, in one transaction, before it leaves. */
export async function auditMirrorDelivery(deps: Pick<MirrorDeliveryDependencies, 'db' | 'audit'>, principal: AuditActor, requestId: string, details: { mode: FederatedDeliveryMode; records: number } & Record<string, unknown>): Promise<void> {
  await deps.db.transaction(async (client) => {
    await deps.audit.record({ principal, action: 'federation.request.deliver', object: { type: 'federation-request', id: requestId }, details }, client);
    await client.query('UPDATE federation_requests SET delivered = delivered + $2, last_delivered_at = now() WHERE id = $1', [requestId, details.records]);
  });
}

/** Parks a webhook batch; redelivery (POST .../redeliver) clears it. */
async function park(deps: Pick<MirrorDeliveryDependencies, 'db' | 'audit'>, requestId: string, { batchId, ...batch }: Omit<ParkedBatch, 'parkedAt'> & { batchId: string }): Promise<void> {
  await deps.db.query('UPDATE federation_requests SET parked = $2 WHERE id = $1', [requestId, JSON.stringify({ ...batch, parkedAt: new Date().toISOString() })]);
  await deps.audit.record({ principal: null, action: 'federation.request.park', object: { type: 'federation-request', id: requestId }, details: { batchId, partition: batch.partition, fromOffset: batch.fromOffset, toOffset: batch.toOffset, records: batch.records, attempts: batch.attempts, error: batch.lastError } });
}

/** Clears a parked batch; answers it, or undefined when none was parked. */
export async function unpark(db: Db, requestId: string): Promise<Omit<ParkedBatch, 'attempts' | 'lastError' | 'parkedAt'> | undefined> {
  const { rows } = await db.query<{ parked: ParkedBatch }>('UPDATE federation_requests f SET parked = NULL FROM federation_requests old WHERE f.id = $1 AND old.id = f.id AND old.parked IS NOT NULL RETURNING old.parked', [requestId]);
  const parked = rows[0]?.parked;
  return parked && { partition: parked.partition, fromOffset: parked.fromOffset, toOffset: parked.toOffset, records: parked.records };
}

/**
 * webhook delivery of a cross-gateway request: the webhook worker of local subscriptions (signed batches, retries,
 * parking) over the mirrored topic, whose records the owner already projected and masked. The body names the
 * request: `{ requestId, resourceCode, origin, batchId, records }`; X-DX-Subscription carries the request id.
 */
export async function startMirrorWebhook(deps: MirrorDeliveryDependencies, requestId: string, topic: string): Promise<Worker> {
  return startWebhookWorker(deps, {
    id: requestId,
    topic,
    groupId: mirrorDeliveryGroup(requestId),
    secret: deps.secrets.webhookSecret(requestId),
    log: deps.log.child({ federationRequest: requestId, mode: 'webhook' }),
    async current() {
      const request = await deliverableRequest(deps, requestId, 'webhook');
      if (!request || request.mirroredTopic !== topic) return undefined;
      return {
        url: request.webhookUrl as string,
        maxAttempts: request.webhookMaxAttempts ?? deps.webhook.maxAttempts,
        envelope: { requestId, resourceCode: request.resourceCode, origin: request.peer.instanceId },
        deliver: (messages, partition) => deliverMirrored(deps.db, requestId, messages, partition),
      };
    },
    audit: (details) => auditMirrorDelivery(deps, null, requestId, { mode: 'webhook', ...details }),
    park: (batch) => park(deps, requestId, batch),
  });
}
