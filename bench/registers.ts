import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BASE_RESOURCES, baseResourceDocument } from '../catalog/base-resources.ts';
import { ensureLocalKafka } from '../gateway/kafka/local-broker/local-kafka.ts';
import { HOUSEHOLD_REGISTER_MAPPING } from '../schemas/fixtures/household-register.ts';
import { grantSourceReader, SOURCE_READER } from '../tests/helpers/person-source.ts';
import { ADMIN_DATABASE_URL, call, createDatabase, departmentKey, freshTopic, newAdminKey, runConnector } from './context.ts';
import { startBenchGateway } from './gateway-process.ts';
import { openLoop, type OpenLoopResult } from './open-loop.ts';
import { createBenchPeopleTable } from './source-table.ts';

// Base registers: an sql-pull of --rows residents onto a resource topic (the pull rate), then the register enabled on
// that topic and timed until it holds them all (the materialiser's rate), then lookups, verifications and batches of
// 100 keys sent open-loop at a fixed rate, each with its audit entries written. One gateway process, as in production.
// Run: npx tsx bench/registers.ts [--rows 1000000] [--rate 2000] [--batch-rate 20] [--seconds 20] [--warmup 5]

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '2000' },
    'batch-rate': { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
  },
});
const ROWS = Number(values.rows);
const RATE = Number(values.rate);
const BATCH_RATE = Number(values['batch-rate']);
const SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
const ACCOUNTING = { purpose: '基准测试', operator: 'bench' };

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const loadAtStart = load();
  const brokers = (process.env.KAFKA_BROKERS ?? (await ensureLocalKafka()).brokers.join(',')).split(',');
  const table = `dx_bench_register_people_${ROWS}`;
  log(`generating ${ROWS} residents`);
  await createBenchPeopleTable(ADMIN_DATABASE_URL, table, ROWS);
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await grantSourceReader(admin, table).finally(() => admin.end());

  const database = await createDatabase();
  const adminKey = newAdminKey();
  const gateway = await startBenchGateway({ DX_ALLOWED_HOSTS: '127.0.0.0/8,::1', DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), DX_ADMIN_TOKEN: adminKey, DX_SCHEDULER_HEARTBEAT_MS: '200', DX_REGISTER_RESOURCES: 'none', DATABASE_POOL_SIZE: '20' });
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const key = await departmentKey(gateway.url, adminKey, 'BENCH');
    const topic = freshTopic('register');
    const person = BASE_RESOURCES.find((resource) => resource.schema === 'population.person') as (typeof BASE_RESOURCES)[number];
    const resource = await call(gateway.url, adminKey, 'POST', '/api/v1/catalog/resources', { ...baseResourceDocument(person, '2026-12-01'), code: '301777/000001', kind: 'department', providerCode: 'BENCH', providerName: 'bench', topic });
    const source = new URL(ADMIN_DATABASE_URL);
    const connector = await call(gateway.url, key, 'POST', '/api/v1/connectors', {
      name: 'bench pull',
      type: 'sql-pull',
      schema: 'population.person',
      topic,
      schedule: '0 0 1 1 *',
      config: { driver: 'postgres', host: source.hostname, port: Number(source.port || 5432), database: source.pathname.slice(1), user: SOURCE_READER, table, cursorColumn: 'updated_at', keyColumn: 'id' },
      mapping: HOUSEHOLD_REGISTER_MAPPING,
      options: { batchSize: 500 },
    });
    log('pulling');
    const status = { lastRun: await runConnector(gateway.url, key, connector.id) };
    const pullSeconds = (Date.parse(status.lastRun.finishedAt) - Date.parse(status.lastRun.startedAt)) / 1000;
    const pullRate = status.lastRun.read / pullSeconds;
    log(`pulled ${status.lastRun.published} in ${pullSeconds.toFixed(1)} s`);

    // As DX_REGISTER_RESOURCES would: the register of the resource is enabled, and read from the start of the topic.
    const enabledAt = performance.now();
    await db.query('INSERT INTO registers (resource_id) VALUES ($1)', [resource.id]);
    let firstAt: number | undefined;
    let entries = 0;
    while (entries < status.lastRun.published) {
      await sleep(100);
      entries = Number((await db.query<{ n: string }>('SELECT coalesce(sum(next_offset), 0)::text AS n FROM register_offsets WHERE resource_id = $1', [resource.id])).rows[0]?.n ?? 0);
      if (entries > 0) firstAt ??= performance.now();
    }
    const doneAt = performance.now();
    const upsertRate = entries / ((doneAt - (firstAt as number)) / 1000);
    const size = Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM register_entries WHERE resource_id = $1', [resource.id])).rows[0]?.n);
    log(`materialised ${size} entries`);

    const integrator = await call(gateway.url, adminKey, 'POST', '/api/v1/principals', { kind: 'integrator', name: 'bench-integrator' });
    const integratorKey = (await call(gateway.url, adminKey, 'POST', `/api/v1/principals/${integrator.id}/keys`, {})).key;
    const subscription = await call(gateway.url, integratorKey, 'POST', '/api/v1/subscriptions', { resourceId: resource.id, purpose: 'bench', legalBasis: 'bench', fields: ['id_number', 'name', 'sex', 'birth_date'], delivery: { mode: 'query' }, queryLimits: { distinctPerHour: 10_000_000 } });
    const keys = (await db.query<{ key: string }>('SELECT key FROM register_entries WHERE resource_id = $1 ORDER BY random() LIMIT 200000', [resource.id])).rows.map((row) => row.key);
    const names = new Map((await db.query<{ key: string; name: string }>("SELECT key, record->>'name' AS name FROM register_entries WHERE key = ANY($1::text[])", [keys.slice(0, 20000)])).rows.map((row) => [row.key, row.name]));
    let next = 0;
    const anyKey = () => keys[next++ % keys.length] as string;
    const path = (form: string) => `/api/v1/subscriptions/${subscription.id}/${form}`;
    const loads = {
      lookup: { path: path('lookup'), rate: RATE, body: () => ({ key: anyKey(), ...ACCOUNTING }) },
      verify: { path: path('verify'), rate: RATE, body: () => { const k = [...names.keys()][next++ % names.size] as string; return { key: k, claims: { name: names.get(k) }, ...ACCOUNTING }; } },
      'batch of 100': { path: path('lookup/batch'), rate: BATCH_RATE, body: () => ({ keys: Array.from({ length: 100 }, anyKey), ...ACCOUNTING }) },
    };
    const results: Record<string, OpenLoopResult> = {};
    for (const [name, load] of Object.entries(loads)) {
      log(`${name}: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s at ${load.rate}/s`);
      await openLoop(gateway.url, integratorKey, { rate: load.rate, seconds: WARMUP_SECONDS, request: () => ({ method: 'POST', path: load.path, body: load.body() }) });
      results[name] = await openLoop(gateway.url, integratorKey, { rate: load.rate, seconds: SECONDS, request: () => ({ method: 'POST', path: load.path, body: load.body() }) });
    }
    const chain = await call(gateway.url, adminKey, 'GET', '/api/v1/audit/verify');
    const audited = Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM audit_log WHERE action = 'register.lookup'")).rows[0]?.n);

    const rows: [string, string, string][] = [
      ['pull: sql-pull → topic', `${Math.round(pullRate).toLocaleString('en')} records/s (${status.lastRun.published.toLocaleString('en')} in ${pullSeconds.toFixed(1)} s)`, ''],
      ['materialiser: topic → register', `${Math.round(upsertRate).toLocaleString('en')} upserts/s, ${(upsertRate / pullRate).toFixed(2)} of the pull (${size.toLocaleString('en')} entries; ${((doneAt - enabledAt) / 1000).toFixed(1)} s from enabling, group join included)`, upsertRate >= 50_000 && upsertRate >= 0.8 * pullRate ? 'met' : 'not met'],
      ...Object.entries(results).map(([name, result]): [string, string, string] => [
        `${name}, open loop at ${loads[name as keyof typeof loads].rate}/s`,
        `achieved ${Math.round(result.rps)}/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, max ${result.max.toFixed(1)} ms, ${result.bad} failed of ${result.sent}`,
        result.bad === 0 && result.p99 < (name === 'batch of 100' ? 50 : 10) ? 'met' : 'not met',
      ]),
    ];
    process.stdout.write(`\n| benchmark | measured | target met |\n|---|---|---|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
    process.stdout.write(`\naudit entries register.lookup written: ${audited.toLocaleString('en')}; chain verifies: ${chain.ok} (${chain.checked.toLocaleString('en')} entries); gateway peak RSS ${Math.round(gateway.peakRss() / 1048576)} MB; load average (1, 5, 15 min) ${loadAtStart} at the start, ${load()} at the end\n`);
  } finally {
    await db.end();
    await gateway.stop();
    await database.drop();
  }
}

await main();
