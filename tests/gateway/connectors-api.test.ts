import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t);
  const a = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const b = await createDepartment(testApp.app, testApp.adminKey, 'WJW', '卫健委');
  const source = await createPersonSourceTable(t, 3, 0);
  const payload = { name: '户籍库', type: 'sql-pull', schema: 'population.person', schedule: '*/10 * * * *', config: { ...source.connection, password: 's3cret-pw' }, mapping: PERSON_MAPPING };
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(a.key), payload });
  if (created.statusCode !== 201) throw new Error(created.body);
  return { ...testApp, a, b, payload, connector: created.json() };
}

t.test('connector types are listed with their config schema and examples', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const types = (await app.inject({ url: '/api/v1/connector-types', headers: bearer(adminKey) })).json().items;
  t.same(types.map((type: { type: string }) => type.type).sort(), ['file-drop', 'http-pull', 'http-push', 'sql-pull']);
  const sql = types.find((type: { type: string }) => type.type === 'sql-pull');
  t.equal(sql.configSchema.properties.password['x-secret'], true);
  t.ok(sql.examples.length > 0);
});

t.test('a bad connector is refused with every failing field named', async (t) => {
  const { app, a, payload } = await setup(t);
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(a.key),
    payload: { ...payload, name: '另一个', schedule: 'every minute', config: { ...payload.config, port: 'x', colour: 'red' }, mapping: { fields: { name: 'xm', nickname: 'nc' } } },
  });
  t.equal(response.statusCode, 400);
  const paths = response.json().details.map((detail: { path: string }) => detail.path).sort();
  t.same(paths, ['config.colour', 'config.port', 'mapping.fields.id_number', 'mapping.fields.nickname', 'schedule']);
});

t.test('a secret is never answered back, and sending the placeholder keeps it', async (t) => {
  const { app, a, connector, payload } = await setup(t);
  t.equal(connector.config.password, '********');
  const updated = await app.inject({ method: 'PUT', url: `/api/v1/connectors/${connector.id}`, headers: bearer(a.key), payload: { name: '户籍库', schedule: '*/5 * * * *', config: connector.config, mapping: payload.mapping } });
  t.equal(updated.statusCode, 200, updated.body);
  t.equal(updated.json().schedule, '*/5 * * * *');
  const stored = await app.pipeline.store.get(connector.id);
  t.equal(app.pipeline.store.openConfig(stored!).password, 's3cret-pw', 'the stored password is unchanged');
  t.notOk(JSON.stringify((await app.inject({ url: '/api/v1/connectors', headers: bearer(a.key) })).json()).includes('s3cret-pw'));
});

t.test('a department sees and changes only its own connectors; the data office sees all; integrators none', async (t) => {
  const { app, adminKey, a, b, connector, payload } = await setup(t);
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  t.equal((await app.inject({ url: '/api/v1/connectors', headers: bearer(b.key) })).json().total, 0);
  t.equal((await app.inject({ url: '/api/v1/connectors', headers: bearer(a.key) })).json().total, 1);
  t.equal((await app.inject({ url: '/api/v1/connectors', headers: bearer(adminKey) })).json().total, 1);
  t.equal((await app.inject({ url: '/api/v1/connectors', headers: bearer(integrator.key) })).statusCode, 403);
  for (const [method, url] of [
    ['GET', `/api/v1/connectors/${connector.id}`],
    ['GET', `/api/v1/connectors/${connector.id}/status`],
    ['POST', `/api/v1/connectors/${connector.id}/pause`],
    ['POST', `/api/v1/connectors/${connector.id}/run`],
    ['DELETE', `/api/v1/connectors/${connector.id}`],
  ] as const) {
    t.equal((await app.inject({ method, url, headers: bearer(b.key) })).statusCode, 404, `${method} ${url} by another department`);
  }
  const change = await app.inject({ method: 'PUT', url: `/api/v1/connectors/${connector.id}`, headers: bearer(b.key), payload: { name: 'x', schedule: '* * * * *', config: payload.config, mapping: payload.mapping } });
  t.equal(change.statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(b.key), payload: { ...payload, departmentCode: 'GAJ' } })).statusCode, 403, 'no registering for another department');
  t.equal((await app.inject({ url: `/api/v1/connectors/${connector.id}`, headers: bearer(adminKey) })).statusCode, 200);
  const foreign = await app.inject({ url: `/api/v1/connectors/${connector.id}`, headers: bearer(b.key) });
  const missing = await app.inject({ url: '/api/v1/connectors/00000000-0000-4000-8000-000000000000', headers: bearer(b.key) });
  t.same(foreign.json(), missing.json(), "another department's connector looks exactly like one that does not exist");
});

t.test('offsets can be reset only while the connector is paused', async (t) => {
  const { app, a, connector } = await setup(t);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/offsets/reset`, headers: bearer(a.key) })).statusCode, 409);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/pause`, headers: bearer(a.key) })).json().state, 'paused');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/run`, headers: bearer(a.key) })).statusCode, 409, 'a paused connector does not run');
  const reset = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/offsets/reset`, headers: bearer(a.key) });
  t.equal(reset.statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/resume`, headers: bearer(a.key) })).json().state, 'active');
});

t.test('the test action maps and validates the first records without publishing', async (t) => {
  const { app, a, connector } = await setup(t);
  const response = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/test?limit=2`, headers: bearer(a.key) });
  t.equal(response.statusCode, 200, response.body);
  const body = response.json();
  t.equal(body.check.ok, true);
  t.equal(body.records.length, 2);
  t.same(body.records[0].errors, []);
  t.match(body.records[0].value, { id_number: String, sex: /^[12]$/ });
  const status = (await app.inject({ url: `/api/v1/connectors/${connector.id}/status`, headers: bearer(a.key) })).json();
  t.match(status.totals, { read: 0, published: 0 });
  t.same(status.offsets, {});
});

t.test('a source host outside the allow-list is refused by the test action', async (t) => {
  const { app, a, payload } = await setup(t);
  const created = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(a.key), payload: { ...payload, name: '外部库', config: { ...payload.config, host: '169.254.169.254' } } });
  const result = (await app.inject({ method: 'POST', url: `/api/v1/connectors/${created.json().id}/test`, headers: bearer(a.key) })).json();
  t.equal(result.check.ok, false);
  t.match(result.check.message, /link-local or metadata/);
});
