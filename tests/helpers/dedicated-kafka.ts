import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalKafka, stopLocalKafka, type LocalKafka, type LocalKafkaOptions } from '../../deploy/kafka/local-kafka.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

/**
 * A broker of the test's own, on its own port and folder, for tests that stop or kill it without
 * disturbing the shared test broker. Stopped and removed when the test ends.
 */
export async function startDedicatedKafka(t: TestContext, port: number): Promise<{ kafka: LocalKafka; options: LocalKafkaOptions }> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-kafka-'));
  // Never someone else's broker: the test stops and kills it, and must know it really did.
  const options: LocalKafkaOptions = { port, dir, heap: '256m', reuseForeign: false };
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
