import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { createPersonSourceTable } from '../helpers/person-source.ts';
import { testConnector } from './sql-connector.ts';

// No loopback for everyone: the machine's PostgreSQL is reachable only through the data office's entries.
const env = { DX_ALLOWED_HOSTS: '10.99.0.0/16' };

t.test("an allow-list entry scoped to department A does not let department B's connector in", async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env });
  const [a, b] = [await createDepartment(app, adminKey, 'GAJ'), await createDepartment(app, adminKey, 'SCJG')];
  const source = await createPersonSourceTable(t, 3, 0);
  const before = await testConnector(app, adminKey, a, 'sql-pull', source.connection);
  t.match(before.test.check, { ok: false, message: /is refused: it is not on the allow-list/ }, 'not reachable before the entry');
  const entry = await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers: bearer(adminKey), payload: { entry: `${source.connection.host}:${source.connection.port}`, departments: ['GAJ'], note: '户籍库' } });
  t.equal(entry.statusCode, 201, entry.body);
  t.match((await testConnector(app, adminKey, a, 'sql-pull', source.connection)).test, { check: { ok: true }, records: { length: 3 } });
  const other = await testConnector(app, adminKey, b, 'sql-pull', source.connection);
  t.match(other.test.check, { ok: false, message: /is refused: it is not on the allow-list/ });
  t.same(other.test.records, []);
});

t.test('an entry on another port than the source does not let the connector in', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const source = await createPersonSourceTable(t, 1, 0);
  await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers: bearer(adminKey), payload: { entry: `${source.connection.host}:${Number(source.connection.port) + 1}` } });
  t.match((await testConnector(app, adminKey, department, 'sql-pull', source.connection)).test.check, { ok: false, message: /not on the allow-list/ });
});

t.test('a department or an integrator cannot manage allow-list entries, nor can an anonymous caller', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  const office = await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers: bearer(adminKey), payload: { entry: '10.20.0.0/16:5432' } });
  const id = office.json().id;
  for (const [who, headers, status] of [['department', bearer(department.key), 403], ['integrator', bearer(integrator.key), 403], ['anonymous', {}, 401]] as const) {
    const add = await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers, payload: { entry: '0.0.0.0/0', departments: ['GAJ'] } });
    t.equal(add.statusCode, status, `${who} adds`);
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/allowed-hosts', headers })).statusCode, status, `${who} lists`);
    t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/allowed-hosts/${id}`, headers })).statusCode, status, `${who} removes`);
  }
  const list = (await app.inject({ method: 'GET', url: '/api/v1/allowed-hosts', headers: bearer(adminKey) })).json();
  t.match(list.items, [{ id, entry: '10.20.0.0/16:5432', departments: null }]);
  t.equal(list.items.length, 1, 'nothing was added by the others');
});

t.test('the data office adds and removes entries, each change audited, and a malformed entry is refused naming the field', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env });
  const bad = await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers: bearer(adminKey), payload: { entry: '10.2.0.0/16:99999' } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'entry', message: /port 99999/ }] });
  const added = (await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers: bearer(adminKey), payload: { entry: 'db.hukou.internal:3306', departments: ['GAJ', 'MZJ'] } })).json();
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/allowed-hosts/${added.id}`, headers: bearer(adminKey) })).statusCode, 204);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/allowed-hosts/${added.id}`, headers: bearer(adminKey) })).statusCode, 404);
  const audit = (await app.inject({ method: 'GET', url: '/api/v1/audit?objectType=allowed-host&limit=500', headers: bearer(adminKey) })).json();
  const entries = audit.items.filter((item: { objectId?: string }) => item.objectId === added.id);
  t.match(entries.map((item: { action: string }) => item.action).sort(), ['allowed-host.create', 'allowed-host.delete']);
});
