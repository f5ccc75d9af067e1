import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureLocalKafka, stopLocalKafka, type LocalKafka, type LocalKafkaOptions } from '../../gateway/kafka/local-broker/local-kafka.ts';

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

/**
 * Kills a dedicated broker as a crash would (SIGKILL), then starts it again from the same folder, with its data:
 * `whileDown` runs in between.
 */
export async function crashAndRestartKafka(options: LocalKafkaOptions, whileDown: () => Promise<unknown> = async () => undefined): Promise<LocalKafka> {
  if (!(await stopLocalKafka({ ...options, signal: 'SIGKILL' }))) throw new Error(`No dedicated broker ran in ${options.dir}`);
  await whileDown();
  return ensureLocalKafka(options);
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

// The local broker's partitions of __transaction_state and __consumer_offsets (gateway/kafka/local-broker/local-kafka.ts).
const COORDINATOR_PARTITIONS = 4;

/** The partition of the coordinator of a transactional id or a group: Java's String.hashCode, as the broker computes it. */
function coordinatorPartition(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (Math.imul(31, hash) + id.charCodeAt(index)) | 0;
  return Math.abs(hash) % COORDINATOR_PARTITIONS;
}

/** For each coordinator partition, an id that lands on it. */
function idsCoveringCoordinators(prefix: string): string[] {
  const ids = new Map<number, string>();
  for (let index = 0; ids.size < COORDINATOR_PARTITIONS; index++) {
    const id = `${prefix}-${index}`;
    if (!ids.has(coordinatorPartition(id))) ids.set(coordinatorPartition(id), id);
  }
  return [...ids.values()];
}

async function untilItWorks(work: () => Promise<unknown>, deadline: number): Promise<void> {
  for (;;) {
    try {
      await work();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * A fresh broker answers "the coordinator is loading" for a while, partition by partition of its transaction and
 * group coordinators; a gateway's first push would get 503 meanwhile. Waits until every coordinator partition has
 * answered a transaction and an offset fetch.
 */
export async function warmUpKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'warm-up', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'warm-up', numPartitions: 1 }], waitForLeaders: true });
  const deadline = Date.now() + 90_000;
  for (const id of idsCoveringCoordinators('warm-up')) {
    const producer = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await untilItWorks(async () => {
      await producer.connect();
      const transaction = await producer.transaction();
      await transaction.send({ topic: 'warm-up', acks: -1, messages: [{ value: id }] });
      await transaction.commit();
    }, deadline);
    await producer.disconnect();
    await untilItWorks(() => admin.fetchOffsets({ groupId: id, topics: ['warm-up'] }), deadline);
  }
  await admin.disconnect();
}
