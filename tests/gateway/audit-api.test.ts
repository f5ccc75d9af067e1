import pg from 'pg';
import t from 'tap';
import { hashApiKey } from '../../gateway/auth/api-key.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';
import { provideTopic } from '../helpers/resource.ts';
import { companyPushConnector, rawLog } from '../security/audit-helpers.ts';

interface Entry {
  sequence: number;
  principalId: string | null;
  principalKind: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  details: Record<string, unknown>;
}

type Context = Parameters<typeof buildTestApp>[0];

async function officeId(testApp: TestApp): Promise<string> {
  return (await testApp.app.inject({ url: '/api/v1/me', headers: bearer(testApp.adminKey) })).json().id;
}

async function entries(testApp: TestApp, query = ''): Promise<Entry[]> {
  const response = await testApp.app.inject({ url: `/api/v1/audit?order=asc&limit=500${query}`, headers: bearer(testApp.adminKey) });
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json().items;
}

async function pullConnector(t: Context) {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const source = await createPersonSourceTable(t, 2, 0);
  const topic = freshTopicName('audit');
  await provideTopic(testApp.app, testApp.adminKey, 'GAJ', topic);
  const payload = { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '0 0 1 1 *', config: { ...source.connection, password: 's3cret-pw' }, mapping: PERSON_MAPPING };
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload });
  if (created.statusCode !== 201) throw new Error(created.body);
  return { ...testApp, department, payload, table: source.table, connector: created.json() };
}

const pushConnector = (t: Context) => companyPushConnector(t);

t.test('creating, disabling and enabling a principal are audited with the acting office principal', async (t) => {
  const testApp = await buildTestApp(t);
  const { app, adminKey } = testApp;
  const created = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'department', name: '人社局', departmentCode: 'RSJ' } })).json();
  await app.inject({ method: 'POST', url: `/api/v1/principals/${created.id}/disable`, headers: bearer(adminKey) });
  await app.inject({ method: 'POST', url: `/api/v1/principals/${created.id}/enable`, headers: bearer(adminKey) });
  const office = await officeId(testApp);
  t.match(await entries(testApp, '&action=principal.'), [
    { sequence: 1, principalId: office, principalKind: 'office', action: 'principal.create', objectType: 'principal', objectId: created.id, details: { kind: 'department', name: '人社局', departmentCode: 'RSJ' } },
    { sequence: 2, principalId: office, action: 'principal.disable', objectType: 'principal', objectId: created.id },
    { sequence: 3, principalId: office, action: 'principal.enable', objectType: 'principal', objectId: created.id },
  ]);
});

t.test('issuing and revoking a key are audited without the key or its hash', async (t) => {
  const testApp = await buildTestApp(t);
  const { app, adminKey } = testApp;
  const integrator = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'integrator', name: '一网通办' } })).json();
  const issued = (await app.inject({ method: 'POST', url: `/api/v1/principals/${integrator.id}/keys`, headers: bearer(adminKey), payload: { label: 'prod' } })).json();
  await app.inject({ method: 'DELETE', url: `/api/v1/principals/${integrator.id}/keys/${issued.id}`, headers: bearer(adminKey) });
  const office = await officeId(testApp);
  const keyEntries = await entries(testApp, '&action=key.');
  t.match(keyEntries, [
    { principalId: office, action: 'key.issue', objectType: 'api_key', objectId: issued.id, details: { principalId: integrator.id, label: 'prod', expiresAt: null } },
    { principalId: office, action: 'key.revoke', objectType: 'api_key', objectId: issued.id, details: { principalId: integrator.id } },
  ]);
  t.equal(keyEntries.length, 2);
  const raw = await rawLog(testApp.databaseUrl);
  for (const secret of [issued.key, hashApiKey(issued.key), issued.key.slice(3, 20), adminKey, hashApiKey(adminKey)]) t.notOk(raw.includes(secret), 'no key, key part or key hash is in the log');
});

t.test('creating, updating and deleting a connector are audited with the changed field names but no config values', async (t) => {
  const testApp = await pullConnector(t);
  const { app, department, connector, payload, table } = testApp;
  const update = { name: '户籍库', schedule: '0 0 2 1 *', config: { ...connector.config, password: 'n3w-s3cret' }, mapping: payload.mapping };
  t.equal((await app.inject({ method: 'PUT', url: `/api/v1/connectors/${connector.id}`, headers: bearer(department.key), payload: update })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/connectors/${connector.id}`, headers: bearer(department.key) })).statusCode, 204);
  t.match(await entries(testApp, `&objectType=connector&objectId=${connector.id}`), [
    { principalId: department.id, principalKind: 'department', action: 'connector.create', details: { departmentCode: 'GAJ', name: '户籍库', type: 'sql-pull', schema: 'population.person', topic: payload.topic } },
    { principalId: department.id, action: 'connector.update', details: { changed: ['config', 'schedule'] } },
    { principalId: department.id, action: 'connector.delete', details: { departmentCode: 'GAJ', name: '户籍库' } },
  ]);
  const raw = await rawLog(testApp.databaseUrl);
  for (const secret of ['s3cret-pw', 'n3w-s3cret', table, 'sfzh']) t.notOk(raw.includes(secret), `${secret} is not in the log`);
});

t.test('pausing, resetting offsets, resuming and running a connector are audited', async (t) => {
  const testApp = await pullConnector(t);
  const { app, department, connector } = testApp;
  for (const path of ['pause', 'offsets/reset', 'resume', 'run']) {
    const response = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/${path}`, headers: bearer(department.key) });
    t.ok(response.statusCode < 300, `${path}: ${response.statusCode}`);
  }
  const log = (await entries(testApp, `&objectId=${connector.id}`)).filter((entry) => entry.action !== 'connector.create');
  t.match(log, [
    { principalId: department.id, action: 'connector.pause', objectType: 'connector' },
    { principalId: department.id, action: 'connector.offsets.reset', objectType: 'connector', details: { cleared: 0 } },
    { principalId: department.id, action: 'connector.resume', objectType: 'connector' },
    { principalId: department.id, action: 'connector.run', objectType: 'connector' },
  ]);
  t.equal(log.length, 4);
});

t.test('an accepted push is audited once with counts only, and a replay of rejected records with counts', async (t) => {
  const testApp = await pushConnector(t);
  const { app, department, connector } = testApp;
  const fixtures = createFixtureGenerator({ seed: 11 });
  const company = fixtures.organisation();
  const records = [
    { 统一社会信用代码: company.credit_code, 企业名称: company.name, 法定代表人: company.legal_representative_name, 成立日期: company.establishment_date },
    { 统一社会信用代码: '91350100M000100Y44', 企业名称: '校验位错误的公司' },
  ];
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'audit-1' }, payload: records });
  t.equal(pushed.statusCode, 202, pushed.body);
  const again = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'audit-1' }, payload: records });
  t.equal(again.headers['idempotent-replayed'], 'true');
  const replayed = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/rejected/replay`, headers: bearer(department.key), payload: {} });
  t.equal(replayed.statusCode, 200, replayed.body);

  const pushes = await entries(testApp, '&action=ingest.');
  t.same(pushes.map((entry) => ({ principalId: entry.principalId, objectId: entry.objectId, details: entry.details })), [
    { principalId: department.id, objectId: connector.id, details: { requestId: 'audit-1', records: 2, accepted: 1, rejected: 1 } },
  ], 'one entry for the request, none for its idempotent replay');
  t.match(await entries(testApp, '&action=connector.rejected'), [
    { principalId: department.id, action: 'connector.rejected.replay', objectType: 'connector', objectId: connector.id, details: { replayed: 1, ids: [Number] } },
  ]);
  const raw = await rawLog(testApp.databaseUrl);
  for (const content of [company.credit_code, company.name, '校验位错误的公司', '91350100M000100Y44']) t.notOk(raw.includes(content), 'no record content is in the log');
});

t.test('the audit list filters by principal, action prefix, object and time, and pages by sequence', async (t) => {
  const testApp = await buildTestApp(t);
  const { app, adminKey } = testApp;
  const department = await createDepartment(app, adminKey, 'WJW', '卫健委');
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  const all = await entries(testApp);
  t.same(all.map((entry) => entry.action), ['principal.create', 'key.issue', 'principal.create', 'key.issue']);

  t.same((await entries(testApp, '&action=key')).map((entry) => entry.sequence), [2, 4]);
  t.same((await entries(testApp, `&objectType=principal&objectId=${integrator.id}`)).map((entry) => entry.sequence), [3]);
  t.same((await entries(testApp, `&principal=${department.id}`)), [], 'the department did nothing');
  t.equal((await entries(testApp, `&principal=${await officeId(testApp)}`)).length, 4);
  const future = new Date(Date.now() + 60_000).toISOString();
  t.same(await entries(testApp, `&from=${encodeURIComponent(future)}`), []);
  t.equal((await entries(testApp, `&to=${encodeURIComponent(future)}`)).length, 4);

  const first = (await app.inject({ url: '/api/v1/audit?limit=3', headers: bearer(adminKey) })).json();
  t.same(first.items.map((entry: Entry) => entry.sequence), [4, 3, 2], 'newest first by default');
  t.equal(first.nextCursor, 2);
  const second = (await app.inject({ url: `/api/v1/audit?limit=3&cursor=${first.nextCursor}`, headers: bearer(adminKey) })).json();
  t.same(second.items.map((entry: Entry) => entry.sequence), [1]);
  t.equal(second.nextCursor, null);
  const ascending = (await app.inject({ url: '/api/v1/audit?limit=2&order=asc&cursor=2', headers: bearer(adminKey) })).json();
  t.same(ascending.items.map((entry: Entry) => entry.sequence), [3, 4]);
});

t.test('verify over HTTP reports ok on an untouched chain', async (t) => {
  const testApp = await buildTestApp(t);
  await createDepartment(testApp.app, testApp.adminKey, 'WJW', '卫健委');
  const response = await testApp.app.inject({ url: '/api/v1/audit/verify', headers: bearer(testApp.adminKey) });
  t.equal(response.statusCode, 200);
  t.match(response.json(), { ok: true, checked: 2, head: { sequence: 2 } });
  t.notOk('firstBrokenAt' in response.json());
});

t.test('verify over HTTP reports an entry edited in PostgreSQL', async (t) => {
  const testApp = await buildTestApp(t);
  await createDepartment(testApp.app, testApp.adminKey, 'WJW', '卫健委');
  const client = new pg.Client({ connectionString: testApp.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
  await client.query(`UPDATE audit_log SET details = details || '{"name":"别的局"}' WHERE sequence = 1`);
  const response = await testApp.app.inject({ url: '/api/v1/audit/verify', headers: bearer(testApp.adminKey) });
  t.match(response.json(), { ok: false, checked: 0, firstBrokenAt: { sequence: 1 } });
});

t.test('department and integrator keys get 403 on the audit routes', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'WJW', '卫健委');
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  for (const key of [department.key, integrator.key]) {
    for (const url of ['/api/v1/audit', '/api/v1/audit/verify']) {
      const response = await app.inject({ url, headers: bearer(key) });
      t.equal(response.statusCode, 403, url);
      t.equal(response.json().code, 'DX_ERR_AUTH_FORBIDDEN');
    }
  }
});
