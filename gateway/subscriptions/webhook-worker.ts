import { hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { startGroupConsumer, type Worker } from '../kafka/group-consumer.ts';
import type { TopicMessage } from '../kafka/topic-message.ts';
import { backoffDelay } from '../pipeline/retry.ts';
import type { DeliveredRecord } from './delivered-record.ts';
import type { DeliveryDependencies } from './delivery.ts';
import type { ParkedBatch } from './model.ts';
import { postWebhook, WebhookError } from './webhook-client.ts';

/** Records per webhook post; a larger batch of the topic is posted in several. */
export const WEBHOOK_BATCH_RECORDS = 100;
const MAX_BACKOFF_MS = 5 * 60_000;
const HEARTBEAT_EVERY_MS = 3000;

/** What a webhook delivers now, asked before every batch and every attempt; undefined stops delivery. */
export interface WebhookTarget {
  url: string;
  maxAttempts: number;
  /** Fields of the posted body besides `batchId` and `records`. */
  envelope: Record<string, unknown>;
  /** The delivered form of messages of one partition; messages left out are skipped. */
  deliver(messages: TopicMessage[], partition: number): Promise<DeliveredRecord[]>;
}

/** One webhook feed: a local subscription, or a cross-gateway request delivering its mirrored topic. */
export interface WebhookFeed {
  /** Names the feed in the X-DX-Subscription header and the batch ids. */
  id: string;
  topic: string;
  groupId: string;
  secret: string;
  log: Logger;
  current(): Promise<WebhookTarget | undefined>;
  /** Audits a batch (counts and offsets) before its first attempt leaves the gateway. */
  audit(details: { records: number; skipped: number; batchId: string; partition: number; fromOffset: string; toOffset: string }): Promise<void>;
  /** Parks a batch that failed every attempt, and audits that. */
  park(batch: Omit<ParkedBatch, 'parkedAt'> & { batchId: string }): Promise<void>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/** Stable across attempts and redeliveries of the same batch, so a receiver can drop a batch it already took. */
function batchId(feedId: string, partition: number, from: string, to: string): string {
  return hash('sha256', `${feedId}\u0000${partition}\u0000${from}\u0000${to}`, 'hex').slice(0, 32);
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
 * Posts a feed's records to its URL in signed batches, in order per partition. A batch is retried with
 * exponential backoff; after the feed's attempts it is parked and delivery waits there until redelivered, so a
 * receiver never sees a later version of an entity before an earlier one. The consumer group keeps the position,
 * committed after each delivered batch.
 */
export async function startWebhookWorker(deps: Pick<DeliveryDependencies, 'kafka' | 'hostGuard' | 'webhook'>, feed: WebhookFeed): Promise<Worker> {
  await deps.kafka.ensureTopic(feed.topic);

  async function postWithRetries(target: WebhookTarget, body: string, id: string, signal: AbortSignal, heartbeat: () => Promise<void>): Promise<Attempted> {
    let lastError = '';
    for (let attempt = 1; attempt <= target.maxAttempts; attempt++) {
      const current = signal.aborted ? undefined : await feed.current();
      if (!current) return { ok: false, stopped: true };
      try {
        await postWebhook(deps.hostGuard, {
          url: current.url,
          secret: feed.secret,
          body,
          headers: { 'x-dx-subscription': feed.id, 'x-dx-delivery': id, 'x-dx-attempt': String(attempt) },
          timeoutMs: deps.webhook.timeoutMs,
          signal,
        });
        return { ok: true, attempts: attempt };
      } catch (err) {
        if (signal.aborted) return { ok: false, stopped: true };
        lastError = err instanceof WebhookError ? err.message : String(err);
        feed.log.warn({ attempt, maxAttempts: target.maxAttempts, error: lastError }, 'webhook delivery failed');
      }
      if (attempt < target.maxAttempts) await pause(backoffDelay(attempt, { initialMs: deps.webhook.backoffMs, maxMs: MAX_BACKOFF_MS, attempts: target.maxAttempts }), signal, heartbeat);
    }
    return { ok: false, attempts: target.maxAttempts, error: lastError };
  }

  return startGroupConsumer({
    kafka: deps.kafka.client,
    groupId: feed.groupId,
    topic: feed.topic,
    onCrash: (err) => feed.log.error({ err }, 'webhook delivery stopped'),
    async onBatch({ partition, messages, commit, signal, heartbeat }) {
      for (const part of chunks<TopicMessage>(messages, WEBHOOK_BATCH_RECORDS)) {
        const target = await feed.current();
        if (!target) return 'stop';
        const records = await target.deliver(part, partition);
        const fromOffset = (part[0] as TopicMessage).offset;
        const toOffset = (part.at(-1) as TopicMessage).offset;
        const id = batchId(feed.id, partition, fromOffset, toOffset);
        if (records.length > 0) {
          const body = JSON.stringify({ ...target.envelope, batchId: id, records });
          await feed.audit({ records: records.length, skipped: part.length - records.length, batchId: id, partition, fromOffset, toOffset });
          const outcome = await postWithRetries(target, body, id, signal, heartbeat);
          if ('stopped' in outcome) return 'stop';
          if (!outcome.ok) {
            await feed.park({ batchId: id, partition, fromOffset, toOffset, records: records.length, attempts: outcome.attempts, lastError: outcome.error });
            feed.log.warn({ partition, fromOffset, toOffset, attempts: outcome.attempts }, 'webhook batch parked');
            return 'stop';
          }
        }
        await commit(toOffset);
      }
      return 'continue';
    },
  });
}
