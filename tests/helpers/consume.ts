import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { TEST_BROKERS } from './kafka.ts';

export interface Consumed {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  partition: number;
}

function toConsumed(message: KafkaMessage, partition: number): Consumed {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  return { key: String(message.key), value: message.value as Buffer, headers, partition };
}

/**
 * Reads a topic from the beginning until `expected` messages arrived and nothing more came for `quietMs`, or until
 * `timeoutMs`; returns what it read, so a test sees both missing and extra messages.
 */
export async function consumeTopic(topic: string, expected: number, options: { timeoutMs?: number; quietMs?: number; isolation?: 'read_committed' | 'read_uncommitted'; brokers?: string[] } = {}): Promise<Consumed[]> {
  const kafka = new Kafka({ clientId: 'test-consumer', brokers: options.brokers ?? TEST_BROKERS, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-${topic}-${Date.now()}-${Math.random()}`, readUncommitted: options.isolation === 'read_uncommitted' });
  const messages: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let last = Date.now();
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) messages.push(toConsumed(message, batch.partition));
        last = Date.now();
      },
    });
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (Date.now() < deadline && !(messages.length >= expected && Date.now() - last >= (options.quietMs ?? 500))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
