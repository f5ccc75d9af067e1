import { getCanonicalSchema } from '../../../schemas/canonical.ts';
import type { Connector } from '../connector-store.ts';
import { createMapper } from '../mapping/apply.ts';
import { validateMapped } from '../validate.ts';
import type { RuntimeDependencies } from './dependencies.ts';
import { createPullTask } from './task-context.ts';

export interface TestResult {
  check: { ok: boolean; message: string };
  records: { partition: string; offset: unknown; source: Record<string, unknown>; value?: Record<string, unknown>; errors: { path: string; rule: string; message: string }[] }[];
}

/** A dry run: checks connectivity and maps and validates the first records, publishing nothing and committing nothing. */
export async function dryRun(deps: RuntimeDependencies, connector: Connector, limit: number): Promise<TestResult> {
  const schema = getCanonicalSchema(connector.schemaName as never);
  const map = createMapper(connector.mapping, schema);
  const controller = new AbortController();
  const task = createPullTask(deps, { ...connector, options: { batchSize: limit } }, new Map(), controller.signal);
  try {
    const check = await task.check();
    const records: TestResult['records'] = [];
    if (check.ok) {
      for await (const batch of task.read()) {
        for (const record of batch.slice(0, limit - records.length)) {
          const mapped = map(record.value);
          const errors = validateMapped(deps.validator, schema.name, mapped);
          records.push({ partition: record.partition, offset: record.offset, source: record.value, ...(mapped.ok ? { value: mapped.value } : {}), errors });
        }
        if (records.length >= limit) break;
      }
    }
    return { check, records };
  } finally {
    controller.abort();
    await task.close();
  }
}
