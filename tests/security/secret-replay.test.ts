import t, { type Test } from 'tap';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { PERSON_MAPPING } from '../helpers/person-source.ts';
import { startFakePostgres, startRecordingHttp } from './support.ts';

const PASSWORD = 'gaj-reader-Pw-7f3a91';
const TOKEN = 'hukou-api-token-5c8e02d4';
const ENV = { DX_ALLOWED_HOSTS: '127.0.0.0/8' };

async function sqlConnector(t: Test, testApp: TestApp, key: string, port: number) {
  const config = { driver: 'postgres', host: '127.0.0.1', port, database: 'hukou', user: 'dx_reader', password: PASSWORD, table: 'residents', cursorColumn: 'gxsj', keyColumn: 'id' };
  const payload = { name: '户籍库', type: 'sql-pull', schema: 'population.person', config, mapping: PERSON_MAPPING, schedule: '0 3 * * *' };
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(key), payload });
  t.equal(created.statusCode, 201, created.body);
  return { id: created.json().id as string, payload, config };
}

/** A PUT of the connector as registered (`body`, less what an update cannot change) with the given changes. */
const update = (testApp: TestApp, key: string, id: string, { type: _type, schema: _schema, ...body }: Record<string, unknown>) =>
  testApp.app.inject({ method: 'PUT', url: `/api/v1/connectors/${id}`, headers: bearer(key), payload: body });
const testAction = (testApp: TestApp, key: string, id: string) => testApp.app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/test?limit=1`, headers: bearer(key) });

t.test('replaying a stored database password to a new host, port, user, database, driver or TLS setting is refused naming config.password, and the new host never receives it', async (t) => {
  const testApp = await buildTestApp(t, { env: ENV });
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const own = await startFakePostgres(t);
  // The attacker's server: another address of the host, and another port.
  const otherHost = await startFakePostgres(t, '127.0.0.3', own.port);
  const otherPort = await startFakePostgres(t);
  const { id, payload, config } = await sqlConnector(t, testApp, department.key, own.port);
  const moves: [string, Record<string, unknown>][] = [
    ['host', { host: '127.0.0.3' }],
    ['port', { port: otherPort.port }],
    ['user', { user: 'postgres' }],
    ['database', { database: 'dx_gateway' }],
    ['driver', { driver: 'mysql' }],
    ['ssl', { ssl: true }],
  ];
  for (const [field, change] of moves) {
    const refused = await update(testApp, department.key, id, { ...payload, config: { ...config, password: '********', ...change } });
    t.equal(refused.statusCode, 400, `a changed ${field} is refused`);
    t.match(refused.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'config.password' }] }, `naming config.password (${field})`);
    // The connector was not changed: a test connects to its own server only.
    await testAction(testApp, department.key, id);
  }
  const { host: _host, ...hostless } = config;
  const broken = await update(testApp, department.key, id, { ...payload, config: { ...hostless, password: '********' } });
  t.equal(broken.statusCode, 400, 'a config without its host is a 400, not a 500');
  t.match(broken.json().details, [{ path: 'config.password' }, { path: 'config.host', message: 'is required' }], 'naming the secret and the missing field');
  t.equal(otherHost.connections() + otherPort.connections(), 0, 'neither server of the attacker was contacted');
  t.ok(own.received().includes(PASSWORD), 'the own server received the password');
  t.notOk(otherHost.received().includes(PASSWORD) || otherPort.received().includes(PASSWORD));
  t.notOk(testApp.logs.join('').includes(PASSWORD), 'the logs hold no password');
});

t.test('a moved database target is accepted with the password sent anew, and only that password reaches the new host', async (t) => {
  const testApp = await buildTestApp(t, { env: ENV });
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const own = await startFakePostgres(t);
  const moved = await startFakePostgres(t);
  const { id, payload, config } = await sqlConnector(t, testApp, department.key, own.port);
  const accepted = await update(testApp, department.key, id, { ...payload, config: { ...config, port: moved.port, password: 'a-new-password-for-the-new-host' } });
  t.equal(accepted.statusCode, 200, accepted.body);
  t.equal(accepted.json().config.password, '********');
  await testAction(testApp, department.key, id);
  t.ok(moved.received().includes('a-new-password-for-the-new-host'));
  t.notOk(moved.received().includes(PASSWORD), 'the old password never reached the new host');
});

t.test('an unchanged database target keeps the stored password, which still reaches its server', async (t) => {
  const testApp = await buildTestApp(t, { env: ENV });
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const own = await startFakePostgres(t);
  const { id, payload, config } = await sqlConnector(t, testApp, department.key, own.port);
  // The same target written differently (host case, the default port written out elsewhere) is the same target.
  const kept = await update(testApp, department.key, id, { ...payload, name: '户籍库（改名）', schedule: '0 4 * * *', config: { ...config, host: '127.0.0.1', password: '********', table: 'residents_v2' } });
  t.equal(kept.statusCode, 200, kept.body);
  t.equal(kept.json().config.password, '********');
  await testAction(testApp, department.key, id);
  t.ok(own.received().includes(PASSWORD), 'the stored password was used');
});

t.test('replaying a stored HTTP token to another origin is refused naming config.auth.token; the same origin keeps it', async (t) => {
  const testApp = await buildTestApp(t, { env: ENV });
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const own = await startRecordingHttp(t);
  const attacker = await startRecordingHttp(t);
  const config = { url: `http://127.0.0.1:${own.port}/api/residents`, auth: { type: 'bearer', token: TOKEN } };
  const payload = { name: '人口接口', type: 'http-pull', schema: 'population.person', config, mapping: PERSON_MAPPING, schedule: '0 3 * * *' };
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;

  const refused = await update(testApp, department.key, id, { ...payload, config: { url: `http://127.0.0.1:${attacker.port}/api/residents`, auth: { type: 'bearer', token: '********' } } });
  t.equal(refused.statusCode, 400);
  t.match(refused.json(), { details: [{ path: 'config.auth.token' }] });
  await testAction(testApp, department.key, id);
  t.equal(attacker.connections(), 0, 'the other origin was never contacted');

  const samePlace = await update(testApp, department.key, id, { ...payload, config: { url: `http://127.0.0.1:${own.port}/api/v2/residents?page=1`, auth: { type: 'bearer', token: '********' } } });
  t.equal(samePlace.statusCode, 200, samePlace.body);
  await testAction(testApp, department.key, id);
  t.ok(own.received().includes(`Bearer ${TOKEN}`), 'another path of the same origin still gets the stored token');
  t.notOk(attacker.received().includes(TOKEN));
});
