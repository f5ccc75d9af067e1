import { runConsumer, type RunningConsumer } from './consumer-lifecycle.ts';
import type { KafkaService } from '../plugins/kafka.ts';

/** One record of a resource topic as the register reads it. */
export interface TopicRecord {
  offset: string;
  key: string | null;
  /** Null: a tombstone. */
  value: Buffer | null;
  /** Epoch milliseconds of the record. */
  timestamp: number;
  headers: Record<string, string>;
}

export interface RegisterConsumerOptions {
  kafka: Pick<KafkaService, 'client'>;
  groupId: string;
  topic: string;
  /**
   * The next offset the register holds for `partition` (null: none yet, start at the earliest record). Asked once
   * per partition after every assignment; the consumer moves there before handing over records.
   */
  position(partition: number): Promise<string | null>;
  /**
   * Applies records of one partition in offset order. A record before the stored position may be handed over again
   * (after a rebalance or a restart): the handler skips it. A rejection hands the same records over again later.
   */
  apply(partition: number, records: TopicRecord[]): Promise<void>;
  /** The consumer crashed (after kafkajs's retries) and has stopped: `done` settles. */
  onCrash(error: unknown): void;
}

export type RegisterConsumer = RunningConsumer;

/**
 * Reads a resource topic for a register. The consumer group only shares the partitions among instances: nothing is
 * committed to Kafka, the register stores its offsets itself (in the transaction of its upserts).
 */
export async function startRegisterConsumer(options: RegisterConsumerOptions): Promise<RegisterConsumer> {
  const { topic } = options;
  // Never restarted by kafkajs: a crash ends the consumer, and the runtime starts a fresh one with its own backoff
  // (a consumer kafkajs restarted after the broker came back was seen joining its group and never fetching again).
  const consumer = options.kafka.client.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: 4 * 1024 * 1024,
    retry: { restartOnFailure: async () => false },
  });
  const positioned = new Set<number>();
  consumer.on(consumer.events.GROUP_JOIN, () => positioned.clear());
  return runConsumer(consumer, {
    topic,
    onCrash: options.onCrash,
    run: () => ({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const { partition } = batch;
        if (!positioned.has(partition)) {
          const next = await options.position(partition);
          positioned.add(partition);
          // Moved once per assignment: a position below the earliest record kept (retention) is not sought again.
          if (next !== null && (BigInt(next) < BigInt(batch.firstOffset() ?? '0') || BigInt(next) > BigInt(batch.lastOffset()) + 1n)) {
            consumer.seek({ topic, partition, offset: next });
            return;
          }
        }
        await options.apply(
          partition,
          batch.messages.map((message) => ({
            offset: message.offset,
            key: message.key === null ? null : message.key.toString('utf8'),
            value: message.value,
            timestamp: Number(message.timestamp),
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
          })),
        );
        resolveOffset(batch.lastOffset());
      },
    }),
  });
}

/** The earliest offset kept and the end (the next offset to be written) of each partition of `topic`. */
export async function topicEnds(kafka: Pick<KafkaService, 'admin'>, topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
  // A topic the broker does not know (yet) has no records; asking for its offsets would be retried for seconds.
  if (!(await kafka.admin.listTopics()).includes(topic)) return new Map();
  const offsets = await kafka.admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, low, high }) => [partition, { low: BigInt(low), high: BigInt(high) }]));
}
