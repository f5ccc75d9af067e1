import type { Test } from 'tap';
import type { ConnectorContext, PullConnectorDefinition, SourceRecord } from '../../connectors/types.ts';
import { createTestContext } from './context.ts';

export interface ConformanceSource {
  /** A config reading a prepared source holding `count` records (count >= 5). */
  config: Record<string, unknown>;
  count: number;
}

export interface ConformanceHarness {
  definition: PullConnectorDefinition<any>;
  /** Prepares a fresh source for one test; clean-up goes on `t.teardown`. */
  prepare(t: Test): Promise<ConformanceSource>;
}

async function readAll(definition: PullConnectorDefinition<any>, config: Record<string, unknown>, context: ConnectorContext): Promise<SourceRecord[]> {
  const task = definition.create(config, context);
  const records: SourceRecord[] = [];
  try {
    for await (const batch of task.read()) records.push(...batch);
  } finally {
    await task.close();
  }
  return records;
}

/** The behaviour every pull connector type must show; run from each type's test file. */
export function runConformance(t: Test, harness: ConformanceHarness): void {
  const { definition } = harness;

  t.test(`${definition.type}: the config examples pass the type's own cross-field checks`, async (t) => {
    t.ok(definition.examples.length > 0);
    for (const example of definition.examples) t.same(definition.validate?.(example.config as never) ?? [], [], example.summary);
  });

  t.test(`${definition.type}: check succeeds, and close can be called twice`, async (t) => {
    const source = await harness.prepare(t);
    const task = definition.create(source.config, createTestContext());
    const result = await task.check();
    t.equal(result.ok, true, result.message);
    await task.close();
    await t.resolves(task.close(), 'a second close is harmless');
  });

  t.test(`${definition.type}: every record carries a partition, a JSON offset and its fields`, async (t) => {
    const source = await harness.prepare(t);
    const records = await readAll(definition, source.config, createTestContext({ batchSize: 2 }));
    t.equal(records.length, source.count, 'all records are read, in batches smaller than the source');
    for (const record of records) {
      t.type(record.partition, 'string');
      t.same(JSON.parse(JSON.stringify(record.offset)), record.offset, 'the offset survives JSON');
      t.ok(Object.keys(record.value).length > 0);
    }
    const offsets = records.map((record) => JSON.stringify([record.partition, record.offset]));
    t.equal(new Set(offsets).size, records.length, 'offsets are distinct');
  });

  t.test(`${definition.type}: a task resumes after a stored offset without skipping or repeating`, async (t) => {
    const source = await harness.prepare(t);
    const all = await readAll(definition, source.config, createTestContext({ batchSize: 2 }));
    const resumeAfter = all[2];
    t.ok(resumeAfter);
    if (!resumeAfter) return;
    const rest = await readAll(definition, source.config, createTestContext({ offsets: new Map([[resumeAfter.partition, resumeAfter.offset]]), batchSize: 2 }));
    // Other partitions have no stored offset, so they are read from their start.
    const expected = all.filter((record, index) => record.partition !== resumeAfter.partition || index > 2);
    const positions = (records: SourceRecord[]) => records.map((record) => JSON.stringify([record.partition, record.offset])).sort();
    t.same(positions(rest), positions(expected));
  });

  t.test(`${definition.type}: close unblocks a pending read`, async (t) => {
    const source = await harness.prepare(t);
    const task = definition.create(source.config, createTestContext({ batchSize: 1 }));
    const iterator = task.read()[Symbol.asyncIterator]();
    const pending = iterator.next();
    await task.close();
    const settled = await Promise.race([
      pending.then(() => 'settled', () => 'settled'),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5000)),
    ]);
    t.equal(settled, 'settled');
    const after = await Promise.race([iterator.next().then((step) => (step.done ? 'done' : 'more'), () => 'done'), new Promise((resolve) => setTimeout(() => resolve('hung'), 5000))]);
    t.equal(after, 'done', 'reading ends after close');
  });

  t.test(`${definition.type}: an aborted context ends the read`, async (t) => {
    const source = await harness.prepare(t);
    const context = createTestContext({ batchSize: 1 });
    const task = definition.create(source.config, context);
    let batches = 0;
    for await (const batch of task.read()) {
      batches += batch.length > 0 ? 1 : 0;
      context.abort();
    }
    await task.close();
    t.ok(batches < source.count, `stopped after ${batches} of ${source.count} batches`);
  });
}
