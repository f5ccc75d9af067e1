import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../../connectors/types.ts';
import type { KafkaClient } from './client.ts';
import type { OutgoingMessage, TopicBatch } from './send-batch.ts';

/**
 * Source offsets of exactly-once connectors, as Kafka Connect keeps them: a compacted topic written in the same
 * transaction as the records, so records and positions are committed together or not at all.
 */
export const OFFSETS_TOPIC = 'dx.connector-offsets';
export const OFFSETS_TOPIC_CONFIG = { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' };

const SYNC_PARTITION = '\u0000sync';

function offsetKey(connectorId: string, partition: string): string {
  return `${connectorId}\u0000${partition}`;
}

/** The offsets of a batch, for the transaction that writes the batch. */
export function offsetsBatch(connectorId: string, offsets: Map<string, JsonValue>): TopicBatch {
  return { topic: OFFSETS_TOPIC, messages: offsetMessages(connectorId, offsets) };
}

function offsetMessages(connectorId: string, offsets: Map<string, JsonValue>): OutgoingMessage[] {
  return [...offsets].map(([partition, offset]) => ({ key: offsetKey(connectorId, partition), value: JSON.stringify({ connectorId, partition, offset }) }));
}

/** A record whose arrival tells a reader it has seen every committed write before it. */
export function syncMessage(connectorId: string): { nonce: string; message: OutgoingMessage } {
  const nonce = randomUUID();
  return { nonce, message: { key: offsetKey(connectorId, SYNC_PARTITION), value: JSON.stringify({ connectorId, partition: SYNC_PARTITION, nonce }) } };
}

/**
 * Reads the committed offsets of one connector (read_committed) up to the sync record with `nonce`, which the
 * caller committed just before; everything committed earlier is then known to have been read.
 */
export async function readCommittedOffsets(kafka: KafkaClient, connectorId: string, nonce: string, timeoutMs = 30_000): Promise<Map<string, JsonValue>> {
  const consumer = kafka.consumer({ groupId: `dx-offsets-reader-${randomUUID()}`, readUncommitted: false });
  const offsets = new Map<string, JsonValue>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: OFFSETS_TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the offsets of connector ${connectorId} could not be read back within ${timeoutMs} ms`)), timeoutMs);
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            if (message.value === null) return;
            const entry = JSON.parse(message.value.toString()) as { connectorId: string; partition: string; offset?: JsonValue; nonce?: string };
            if (entry.connectorId !== connectorId) return;
            if (entry.partition !== SYNC_PARTITION) offsets.set(entry.partition, entry.offset ?? null);
            else if (entry.nonce === nonce) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return offsets;
}
