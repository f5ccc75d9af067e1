import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { ConfigError, loadConfig } from '../../gateway/config.ts';
import { loadSecretKeys } from '../../gateway/security/secret-key.ts';
import { deriveSecrets } from '../../gateway/subscriptions/secrets.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';
import { TEST_SECRET_KEY, testSecretBox } from '../helpers/secret-key.ts';
import { sql } from './support.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';

const PASSWORD = 'Pw-sealed-at-rest-4b7e19';
const RAW_ID = '110105194912310025';
const NEW_KEY = createHash('sha256').update('the next key').digest('hex');

async function sqlConnector(t: Test, testApp: TestApp, key: string) {
  const source = await createPersonSourceTable(t, 3, 0);
  const created = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(key),
    payload: { name: '户籍库', type: 'sql-pull', schema: 'population.person', config: { ...source.connection, password: PASSWORD }, mapping: PERSON_MAPPING, schedule: '0 3 * * *' },
  });
  t.equal(created.statusCode, 201, created.body);
  return created.json().id as string;
}

async function connects(testApp: TestApp, key: string, id: string): Promise<boolean> {
  const tested = (await testApp.app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/test?limit=1`, headers: bearer(key) })).json();
  return tested.check?.ok === true && tested.records.length === 1;
}

t.test('a connector password is not in the database in clear, is never answered, and the connector still reads its source', async (t) => {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const id = await sqlConnector(t, testApp, department.key);
  const [row] = await sql<{ config: Record<string, unknown>; text: string }>(testApp, 'SELECT config, config::text AS text FROM connectors WHERE id = $1', [id]);
  t.notOk(row!.text.includes(PASSWORD), 'connectors.config holds no clear password');
  t.match(row!.config.password, /^dx1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
  t.equal(testSecretBox().open(row!.config.password as string, `connector:${id}:password`), PASSWORD, 'sealed with DX_SECRET_KEY for this connector and field');
  t.throws(() => testSecretBox().open(row!.config.password as string, 'connector:another-connector:password'), 'a sealed password copied to another connector does not open');
  t.equal((await testApp.app.inject({ url: `/api/v1/connectors/${id}`, headers: bearer(department.key) })).json().config.password, '********');
  t.ok(await connects(testApp, department.key, id), 'the test action connects and reads');
  t.notOk(testApp.logs.join('').includes(PASSWORD), 'the logs hold no password');
});

t.test('secrets and records an earlier version stored in clear are sealed on the next start of two instances at once, and still work', async (t) => {
  const first = await buildTestApp(t);
  const department = await createDepartment(first.app, first.adminKey, 'GAJ', '公安局');
  const id = await sqlConnector(t, first, department.key);
  const push = (await first.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '人口推送', type: 'http-push', schema: 'population.person', config: {}, mapping: PERSON_MAPPING } })).json();
  const body = [{ sfzh: RAW_ID, xm: '张三' }];
  const answer = { requestId: 'k1', accepted: 1, rejected: 0, results: [{ index: 0, status: 'published', key: RAW_ID }] };
  // What the version before sealing left behind.
  await sql(first, `UPDATE connectors SET config = jsonb_set(config, '{password}', to_jsonb($2::text)) WHERE id = $1`, [id, 'clear-legacy-password']);
  await sql(first, `INSERT INTO rejected_records (connector_id, partition, "offset", source, errors) VALUES ($1, 'hukou', '{"key": 1}', $2, '[]')`, [id, JSON.stringify({ sfzh: RAW_ID, xm: '张三' })]);
  await sql(first, `INSERT INTO ingest_requests (connector_id, idempotency_key, request_hash, response) VALUES ($1, 'k1', $2, $3)`, [push.id, createHash('sha256').update(JSON.stringify(body)).digest('hex'), JSON.stringify(answer)]);
  await sql(first, `UPDATE gateway_secrets SET value = 'a-master-secret-kept-in-clear-by-an-older-version'`);

  const [second] = await Promise.all([buildTestApp(t, { instanceOf: first }), buildTestApp(t, { instanceOf: first })]);
  const box = testSecretBox();
  const [connector] = await sql<{ password: string }>(first, `SELECT config->>'password' AS password FROM connectors WHERE id = $1`, [id]);
  t.equal(box.open(connector!.password, `connector:${id}:password`), 'clear-legacy-password', 'the connector password is sealed');
  const [rejected] = await sql<{ source: string }>(first, 'SELECT source FROM rejected_records WHERE connector_id = $1', [id]);
  t.notOk(rejected!.source.includes(RAW_ID), 'the quarantined record is sealed');
  const [stored] = await sql<{ response: string }>(first, 'SELECT response FROM ingest_requests WHERE connector_id = $1', [push.id]);
  t.notOk(stored!.response.includes(RAW_ID), 'the stored push answer is sealed');
  const [master] = await sql<{ value: string }>(first, 'SELECT value FROM gateway_secrets');
  t.equal(box.open(master!.value, 'gateway-secret:subscription-secret'), 'a-master-secret-kept-in-clear-by-an-older-version', 'the master secret is sealed, unchanged');

  t.ok(await connects(second!, department.key, id), 'the connector connects with the sealed password');
  t.match((await second!.app.inject({ url: `/api/v1/connectors/${id}/rejected`, headers: bearer(department.key) })).json().items, [{ source: { sfzh: RAW_ID, xm: '张三' } }], 'the owner reads the record in full');
  const replayed = await second!.app.inject({ method: 'POST', url: `/api/v1/ingest/${push.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'k1' }, payload: body });
  t.equal(replayed.headers['idempotent-replayed'], 'true');
  t.same(replayed.json(), answer, 'a retried push is answered from the sealed answer');
  t.equal(second!.app.subscriptions.secrets.webhookSecret('s1'), deriveSecrets('a-master-secret-kept-in-clear-by-an-older-version').webhookSecret('s1'), 'subscriptions keep their secrets');
});

t.test('a start with a new DX_SECRET_KEY and the old one in DX_SECRET_KEY_PREVIOUS reseals everything with the new key', async (t) => {
  const first = await buildTestApp(t);
  const department = await createDepartment(first.app, first.adminKey, 'GAJ', '公安局');
  const id = await sqlConnector(t, first, department.key);
  await sql(first, `INSERT INTO rejected_records (connector_id, partition, "offset", source, errors) VALUES ($1, 'hukou', '{"key": 1}', $2, '[]')`, [id, testSecretBox().seal(JSON.stringify({ sfzh: RAW_ID }), `rejected-record:${id}`)]);
  await first.app.close();

  const rotated = await buildTestApp(t, { instanceOf: first, env: { DX_SECRET_KEY: NEW_KEY, DX_SECRET_KEY_PREVIOUS: TEST_SECRET_KEY } });
  await rotated.app.close();
  const onlyNew = testSecretBox(NEW_KEY);
  const [connector] = await sql<{ password: string }>(first, `SELECT config->>'password' AS password FROM connectors WHERE id = $1`, [id]);
  t.equal(onlyNew.open(connector!.password, `connector:${id}:password`), PASSWORD, 'the connector password opens with the new key alone');
  const [rejected] = await sql<{ source: string }>(first, 'SELECT source FROM rejected_records WHERE connector_id = $1', [id]);
  t.same(JSON.parse(onlyNew.open(rejected!.source, `rejected-record:${id}`)), { sfzh: RAW_ID });
  const [master] = await sql<{ value: string }>(first, 'SELECT value FROM gateway_secrets');
  t.ok(onlyNew.isCurrent(master!.value), 'the master secret is resealed');

  const after = await buildTestApp(t, { instanceOf: first, env: { DX_SECRET_KEY: NEW_KEY } });
  t.ok(await connects(after, department.key, id), 'without the old key the connector still connects');
  t.match((await after.app.inject({ url: `/api/v1/connectors/${id}/rejected`, headers: bearer(department.key) })).json().items, [{ source: { sfzh: RAW_ID } }]);
});

t.test('with DATABASE_URL set and no secret key the gateway refuses to start, naming DX_SECRET_KEY', async (t) => {
  t.throws(() => loadConfig({ DATABASE_URL: 'postgresql://db.internal/dx', DX_AUDIT_KEY: TEST_AUDIT_KEY }), new ConfigError(['DX_SECRET_KEY or DX_SECRET_KEY_FILE must be set when DATABASE_URL is set (32 bytes, as 64 hex digits or base64: openssl rand -base64 32)']));
  t.throws(() => loadConfig({ DATABASE_URL: 'postgresql://db.internal/dx', DX_SECRET_KEY: 'too-short' }), /DX_SECRET_KEY/, 'a key that is not 32 bytes is refused');
  await t.rejects(startGatewayProcess(t, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres', DX_SECRET_KEY: '' }), /DX_SECRET_KEY or DX_SECRET_KEY_FILE must be set/);
});

t.test('the key may come from a file, and embedded mode generates one into the data folder, readable by its owner only', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'dx-secret-key-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const keyFile = join(folder, 'mounted.key');
  writeFileSync(keyFile, `${NEW_KEY}\n`);
  const fromFile = await buildTestApp(t, { env: { DX_SECRET_KEY: '', DX_SECRET_KEY_FILE: keyFile } });
  t.ok(fromFile.logs.some((line) => line.includes(`"keyId":"${testSecretBox(NEW_KEY).currentPrefix.slice(4, 12)}"`)), 'the key of the file is used');

  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const dataDir = join(folder, 'data');
  const generated = loadSecretKeys(loadConfig({ DATA_DIR: dataDir }), log);
  t.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
  t.match(lines.join(''), /DX_SECRET_KEY is unset/, 'with a warning');
  t.equal(loadSecretKeys(loadConfig({ DATA_DIR: dataDir }), log).current.id, generated.current.id, 'the next start reads the same key');
  t.equal(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim().length, 44);
});
