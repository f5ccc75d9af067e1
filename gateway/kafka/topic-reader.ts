import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import type { KafkaAdmin, KafkaClient } from './client.ts';
import type { TopicMessage } from './topic-message.ts';

/** Next offset to read per partition (keys are partition numbers), as decimal strings. */
export type Positions = Record<string, string>;

export interface ReaderDependencies {
  kafka: KafkaClient;
  admin: KafkaAdmin;
}

export interface PageResult {
  batches: { partition: number; messages: TopicMessage[] }[];
  /** Where the next page starts. */
  positions: Positions;
}

const next = (offset: string) => (BigInt(offset) + 1n).toString();
const max = (a: string, b: string) => (BigInt(a) >= BigInt(b) ? a : b);

/** Start positions: the given ones, clamped to what the topic holds; partitions not given start at the earliest record. */
async function startPositions(admin: KafkaAdmin, topic: string, given: Positions): Promise<{ start: Positions; high: Positions }> {
  const start: Positions = {};
  const high: Positions = {};
  for (const { partition, low, high: end } of await admin.fetchTopicOffsets(topic)) {
    const wanted = given[String(partition)] ?? low;
    start[String(partition)] = BigInt(wanted) < BigInt(low) ? low : BigInt(wanted) > BigInt(end) ? end : wanted;
    high[String(partition)] = end;
  }
  return { start, high };
}

/**
 * A consumer of its own (a fresh group that never commits, so it leaves nothing behind) reading `topic` from
 * `positions`. Consumer groups are the only way kafkajs reads; an empty group is removed by the broker.
 */
async function openConsumer(deps: ReaderDependencies, topic: string, positions: Positions, onBatch: (partition: number, messages: TopicMessage[]) => Promise<void>, onSkipped: (partition: number, lastOffset: string, highWatermark: string) => void): Promise<Consumer> {
  const consumer = deps.kafka.consumer({ groupId: `dx-gateway.read.${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  // Batches of only control records (transaction markers) reach no handler; this moves past them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => onSkipped(payload.partition, payload.lastOffset, payload.highWatermark));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const from = positions[String(batch.partition)];
        const messages = batch.messages.filter((message) => from === undefined || BigInt(message.offset) >= BigInt(from));
        if (messages.length > 0) await onBatch(batch.partition, messages);
      },
    });
    for (const [partition, offset] of Object.entries(positions)) consumer.seek({ topic, partition: Number(partition), offset });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }
  return consumer;
}

/**
 * Reads up to `limit` records of `topic` from `positions` (a cursor's), or what there is within `maxWaitMs`;
 * answers at once, without a consumer, when nothing is newer than the positions.
 */
export async function readPage(deps: ReaderDependencies, topic: string, given: Positions, options: { limit: number; maxWaitMs: number }): Promise<PageResult> {
  const { start, high } = await startPositions(deps.admin, topic, given);
  const positions: Positions = { ...start };
  const behind = new Set(Object.keys(start).filter((partition) => BigInt(start[partition] as string) < BigInt(high[partition] as string)));
  if (behind.size === 0) return { batches: [], positions };

  const batches: PageResult['batches'] = [];
  let count = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const check = () => {
    if (count >= options.limit || behind.size === 0) finish();
  };
  const consumer = await openConsumer(
    deps,
    topic,
    start,
    async (partition, messages) => {
      const taken = messages.slice(0, Math.max(0, options.limit - count));
      if (taken.length === 0) return;
      batches.push({ partition, messages: taken });
      count += taken.length;
      positions[String(partition)] = next((taken.at(-1) as TopicMessage).offset);
      check();
    },
    (partition, lastOffset, highWatermark) => {
      if (count >= options.limit) return;
      const key = String(partition);
      positions[key] = max(positions[key] ?? '0', next(lastOffset));
      if (BigInt(positions[key] as string) >= BigInt(highWatermark)) behind.delete(key);
      check();
    },
  );
  const timer = setTimeout(finish, options.maxWaitMs);
  try {
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
  return { batches, positions };
}

export interface Follower {
  /** Where the follower has delivered up to. */
  positions(): Positions;
  close(): Promise<void>;
}

/**
 * Follows `topic` from `positions` until closed, handing each batch to `onBatch` in order with the positions
 * before it (a stream's source: each record's cursor is those positions moved past it).
 */
export async function follow(deps: ReaderDependencies, topic: string, given: Positions, onBatch: (partition: number, messages: TopicMessage[], before: Positions) => Promise<void>): Promise<Follower> {
  const { start } = await startPositions(deps.admin, topic, given);
  const positions: Positions = { ...start };
  const consumer = await openConsumer(
    deps,
    topic,
    start,
    async (partition, messages) => {
      const before = { ...positions };
      positions[String(partition)] = next((messages.at(-1) as TopicMessage).offset);
      await onBatch(partition, messages, before);
    },
    (partition, lastOffset) => {
      positions[String(partition)] = max(positions[String(partition)] ?? '0', next(lastOffset));
    },
  );
  return { positions: () => ({ ...positions }), close: () => consumer.disconnect() };
}
