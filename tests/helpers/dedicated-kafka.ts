import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureLocalKafka, stopLocalKafka, type LocalKafka, type LocalKafkaOptions } from '../../deploy/kafka/local-kafka.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

/**
 * A broker of the test's own, on its own port and folder, for tests that stop or kill it without
 * disturbing the shared test broker. Stopped and removed when the test ends. Plain (no secured listener, no
 * authorizer) unless `secured` is asked for: then its SASL_SSL listener is on port + 2.
 */
export async function startDedicatedKafka(t: TestContext, port: number, extra: { secured?: boolean } = {}): Promise<{ kafka: LocalKafka; options: LocalKafkaOptions }> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-kafka-'));
  // Never someone else's broker: the test stops and kills it, and must know it really did.
  const options: LocalKafkaOptions = { port, dir, heap: '256m', reuseForeign: false, secured: extra.secured ?? false };
  t.teardown(async () => {
    await stopLocalKafka({ ...options, signal: 'SIGKILL' });
    rmSync(dir, { recursive: true, force: true });
  });
  return { kafka: await ensureLocalKafka(options), options };
}

export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}

/** A fresh broker answers "coordinator is loading" for a while; a gateway's first push would get 503 meanwhile. */
export async function warmUpKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'warm-up', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'warm-up', numPartitions: 1 }], waitForLeaders: true });
  await producer.connect();
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await producer.send({ topic: 'warm-up', acks: -1, messages: [{ value: 'x' }] });
      await admin.fetchOffsets({ groupId: 'warm-up', topics: ['warm-up'] });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  await Promise.all([producer.disconnect(), admin.disconnect()]);
}
