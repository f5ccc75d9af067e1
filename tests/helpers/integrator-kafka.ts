import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { LocalKafka } from '../../gateway/kafka/local-broker/local-kafka.ts';
import { upsertScramUser } from '../../gateway/kafka/local-broker/secured-listener.ts';

/** What an integrator's own client is on `broker`'s SASL_SSL listener: a SCRAM user named after its principal, over TLS. */
export function integratorKafkaOf(broker: LocalKafka): (integratorId: string) => Promise<Kafka> {
  const secured = broker.secured;
  if (!secured) throw new Error('the broker has no secured listener');
  const ca = readFileSync(secured.caFile, 'utf8');
  return async (integratorId) => {
    const username = `integrator-${integratorId}`;
    const password = randomBytes(12).toString('hex');
    await upsertScramUser(broker.brokers[0] as string, username, password);
    return new Kafka({ clientId: username, brokers: secured.brokers, ssl: { ca: [ca] }, sasl: { mechanism: 'scram-sha-512', username, password }, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  };
}

/**
 * Reads `topic` in consumer group `groupId` from the beginning until `expected` records came or `timeoutMs`
 * passed, committing what it read; answers the values, or the broker's refusal (its error type).
 */
export async function readAsIntegrator(kafka: Kafka, topic: string, groupId: string, expected: number, timeoutMs = 30_000): Promise<{ values: string[] } | { refused: string }> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 1 } });
  const values: string[] = [];
  let refused: string | undefined;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    refused = (payload.error as { type?: string }).type ?? payload.error.message;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    const deadline = Date.now() + timeoutMs;
    while (refused === undefined && values.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  } catch (err) {
    refused = (err as { type?: string }).type ?? (err as Error).message;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return refused === undefined ? { values } : { refused };
}
