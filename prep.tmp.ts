import { createValidator } from '/work/main/schemas/validate.ts';
import { createTargetCache } from '/work/main/gateway/pipeline/prepare-target.ts';
import { prepareBatch } from '/work/main/gateway/pipeline/publisher.ts';
import { transferables } from "/work/main/gateway/pipeline/packed-batch.ts";
import { HOUSEHOLD_REGISTER_MAPPING } from '/work/main/schemas/fixtures/household-register.ts';
import { openPostgres } from '/work/main/connectors/sql-pull/postgres.ts';
const src = await openPostgres({ driver: 'postgres', host: '127.0.0.1', database: 'postgres', user: 'postgres', table: 'dx_bench_people', cursorColumn: 'updated_at', keyColumn: 'id' } as any, '127.0.0.1');
const N = 500; let after: any; const batches: any[][] = [];
for (let i = 0; i < 100; i++) {
  const rows = await src.nextRows(after, N); const last = rows[rows.length - 1] as any;
  after = { cursor: last.updated_at, key: String(last.id) }; const now = Date.now();
  batches.push(rows.map((row) => ({ partition: 'dx_bench_people', offset: { cursor: row.updated_at, key: String(row.id) }, value: row, timestamp: now })));
}
await src.close();
const spec = { connectorId: '3f1c8a6e-1111-4222-8333-444455556666', version: 'v1', schemaName: 'population.person', schemaId: 1, topic: 't', deadLetterTopic: 'd', mapping: HOUSEHOLD_REGISTER_MAPPING };
const target = createTargetCache(createValidator()).get(spec as any);
for (let r = 0; r < Number(process.env.ROUNDS ?? 10); r++) {
  const t0 = performance.now();
  for (const b of batches) prepareBatch(target, b);
  console.log('prepare+pack', ((performance.now() - t0) * 1000 / (batches.length * N)).toFixed(2), 'µs/rec');
}
