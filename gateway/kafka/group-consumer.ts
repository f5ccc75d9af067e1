import type { KafkaClient } from './client.ts';
import { runConsumer } from './consumer-lifecycle.ts';
import type { TopicMessage } from './topic-message.ts';

const SESSION_TIMEOUT_MS = 60_000;

/** A delivery worker the runtime runs for one subscription. */
export interface Worker {
  /** Settles when the worker has stopped, by itself (stop asked by its handler, a crash) or through `stop()`. */
  readonly done: Promise<void>;
  /** Stops after the batch in hand; waits, sleeps and requests in flight are aborted. Idempotent. */
  stop(): Promise<void>;
}

export interface BatchContext {
  partition: number;
  messages: TopicMessage[];
  /** Aborted when the worker stops: end waits and requests at once. */
  signal: AbortSignal;
  heartbeat(): Promise<void>;
  /** Commits the group's position past `offset` (the last message handled) of this batch's partition. */
  commit(offset: string): Promise<void>;
}

/**
 * Consumes `topic` in consumer group `groupId` (from the earliest record when the group has no position), one
 * batch of one partition at a time, committing only what the handler commits: at least once, resuming from the
 * committed position after a restart. The handler answers 'stop' to end the worker without going further.
 */
export async function startGroupConsumer(options: {
  kafka: KafkaClient;
  groupId: string;
  topic: string;
  onBatch(context: BatchContext): Promise<'continue' | 'stop'>;
  onCrash(error: unknown): void;
}): Promise<Worker> {
  const { kafka, groupId, topic } = options;
  const controller = new AbortController();
  // A webhook request may take DX_WEBHOOK_TIMEOUT_MS (at most 50 s) between heartbeats.
  const consumer = kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 500, sessionTimeout: SESSION_TIMEOUT_MS });
  return runConsumer(consumer, {
    topic,
    onCrash: options.onCrash,
    onStop: () => controller.abort(),
    run: (stop) => ({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        if (controller.signal.aborted || !isRunning() || isStale() || batch.messages.length === 0) return;
        const outcome = await options.onBatch({
          partition: batch.partition,
          messages: batch.messages,
          signal: controller.signal,
          heartbeat,
          async commit(offset) {
            resolveOffset(offset);
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() }]);
          },
        });
        // Not awaited: disconnecting waits for this handler to return.
        if (outcome === 'stop') void stop();
      },
    }),
  });
}
