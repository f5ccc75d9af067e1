import { hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGroupConsumer, type Worker } from '../kafka/group-consumer.ts';
import type { TopicMessage } from '../kafka/topic-message.ts';
import { backoffDelay } from '../pipeline/retry.ts';
import { projectionFor, toDelivered } from './delivered-record.ts';
import { auditDelivery, deliverableContext, type DeliveryDependencies } from './delivery.ts';
import { deliveryGroup, type Subscription } from './model.ts';
import { postWebhook, WebhookError } from './webhook-client.ts';

/** Records per webhook post; a larger batch of the resource topic is posted in several. */
export const WEBHOOK_BATCH_RECORDS = 100;
const MAX_BACKOFF_MS = 5 * 60_000;
const HEARTBEAT_EVERY_MS = 3000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/** Stable across attempts and redeliveries of the same batch, so a receiver can drop a batch it already took. */
function batchId(subscriptionId: string, partition: number, from: string, to: string): string {
  return hash('sha256', `${subscriptionId}\u0000${partition}\u0000${from}\u0000${to}`, 'hex').slice(0, 32);
}

/** Waits `ms` (until `signal` aborts), heartbeating the consumer group every few seconds so it keeps its member. */
async function pause(ms: number, signal: AbortSignal, heartbeat: () => Promise<void>): Promise<void> {
  for (let left = ms; left > 0 && !signal.aborted; left -= HEARTBEAT_EVERY_MS) {
    await sleep(Math.min(left, HEARTBEAT_EVERY_MS), undefined, { signal }).catch(() => undefined);
    await heartbeat().catch(() => undefined);
  }
}

type Attempted = { ok: true; attempts: number } | { ok: false; attempts: number; error: string } | { ok: false; stopped: true };

/**
 * webhook delivery: posts the subscription's records to its URL in signed batches, in order per partition. A
 * batch is retried with exponential backoff; after the subscription's attempts it is parked and delivery waits
 * there until redelivered (POST .../redeliver), so a receiver never sees a later version of an entity before an
 * earlier one. Position: consumer group `dx-gateway.sub.<id>`, committed after each delivered batch.
 */
export async function startWebhookDelivery(deps: DeliveryDependencies, subscriptionId: string, topic: string): Promise<Worker> {
  const log = deps.log.child({ subscription: subscriptionId, mode: 'webhook' });
  const secret = deps.secrets.webhookSecret(subscriptionId);
  await deps.kafka.ensureTopic(topic);

  async function postWithRetries(subscription: Subscription, body: string, id: string, signal: AbortSignal, heartbeat: () => Promise<void>): Promise<Attempted> {
    const maxAttempts = subscription.webhookMaxAttempts ?? deps.webhook.maxAttempts;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (signal.aborted || !(await deliverableContext(deps, subscriptionId, 'webhook', topic))) return { ok: false, stopped: true };
      try {
        await postWebhook(deps.hostGuard, {
          url: subscription.webhookUrl as string,
          secret,
          body,
          headers: { 'x-dx-subscription': subscriptionId, 'x-dx-delivery': id, 'x-dx-attempt': String(attempt) },
          timeoutMs: deps.webhook.timeoutMs,
          signal,
        });
        return { ok: true, attempts: attempt };
      } catch (err) {
        if (signal.aborted) return { ok: false, stopped: true };
        lastError = err instanceof WebhookError ? err.message : String(err);
        log.warn({ attempt, maxAttempts, error: lastError }, 'webhook delivery failed');
      }
      if (attempt < maxAttempts) await pause(backoffDelay(attempt, { initialMs: deps.webhook.backoffMs, maxMs: MAX_BACKOFF_MS, attempts: maxAttempts }), signal, heartbeat);
    }
    return { ok: false, attempts: maxAttempts, error: lastError };
  }

  return startGroupConsumer({
    kafka: deps.kafka.client,
    groupId: deliveryGroup(subscriptionId),
    topic,
    onCrash: (err) => log.error({ err }, 'webhook delivery stopped'),
    async onBatch({ partition, messages, commit, signal, heartbeat }) {
      for (const part of chunks<TopicMessage>(messages, WEBHOOK_BATCH_RECORDS)) {
        const context = await deliverableContext(deps, subscriptionId, 'webhook', topic);
        if (!context) return 'stop';
        const projection = projectionFor(context, deps.secrets);
        const records = (await Promise.all(part.map((message) => toDelivered(message, partition, projection, deps.decode)))).filter((record) => record !== undefined);
        const fromOffset = (part[0] as TopicMessage).offset;
        const toOffset = (part.at(-1) as TopicMessage).offset;
        const id = batchId(subscriptionId, partition, fromOffset, toOffset);
        if (records.length > 0) {
          const body = JSON.stringify({ subscriptionId, resourceId: context.subscription.resourceId, batchId: id, records });
          // Audited before the first attempt leaves the gateway; a batch that fails every attempt is parked and audited as such.
          await auditDelivery(deps, null, subscriptionId, { mode: 'webhook', records: records.length, skipped: part.length - records.length, batchId: id, partition, fromOffset, toOffset });
          const outcome = await postWithRetries(context.subscription, body, id, signal, heartbeat);
          if ('stopped' in outcome) return 'stop';
          if (!outcome.ok) {
            await deps.store.park(subscriptionId, { partition, fromOffset, toOffset, records: records.length, attempts: outcome.attempts, lastError: outcome.error });
            await deps.audit.record({ principal: null, action: 'subscription.park', object: { type: 'subscription', id: subscriptionId }, details: { batchId: id, partition, fromOffset, toOffset, records: records.length, attempts: outcome.attempts, error: outcome.error } });
            log.warn({ partition, fromOffset, toOffset, attempts: outcome.attempts }, 'webhook batch parked');
            return 'stop';
          }
        }
        await commit(toOffset);
      }
      return 'continue';
    },
  });
}
