import pg from 'pg';
import t from 'tap';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';

async function principalWithKey(testApp: TestApp, payload: Record<string, unknown>): Promise<{ id: string; key: string; keyId: string }> {
  const { app, adminKey } = testApp;
  const principal = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload })).json();
  const issued = await app.inject({ method: 'POST', url: `/api/v1/principals/${principal.id}/keys`, headers: bearer(adminKey), payload: { label: 'test' } });
  return { id: principal.id, key: issued.json().key, keyId: issued.json().id };
}

const DEPARTMENT = { kind: 'department', name: '人社局', departmentCode: 'RSJ' };

t.test('a request without a key gets 401 and one with an unknown key gets 401', async (t) => {
  const { app } = await buildTestApp(t);
  const none = await app.inject({ url: '/api/v1/me' });
  t.equal(none.statusCode, 401);
  t.equal(none.json().code, 'DX_ERR_AUTH_MISSING');
  const unknown = await app.inject({ url: '/api/v1/me', headers: bearer('dx_not-a-real-key') });
  t.equal(unknown.statusCode, 401);
  t.equal(unknown.json().code, 'DX_ERR_AUTH_INVALID');
});

t.test('an issued key authenticates its principal', async (t) => {
  const testApp = await buildTestApp(t);
  const department = await principalWithKey(testApp, DEPARTMENT);
  const me = await testApp.app.inject({ url: '/api/v1/me', headers: bearer(department.key) });
  t.equal(me.statusCode, 200);
  t.match(me.json(), { id: department.id, kind: 'department', departmentCode: 'RSJ' });
});

t.test('a revoked key gets 401 at once', async (t) => {
  const testApp = await buildTestApp(t);
  const department = await principalWithKey(testApp, DEPARTMENT);
  t.equal((await testApp.app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode, 200, 'used (and remembered) before the revocation');
  const revoked = await testApp.app.inject({ method: 'DELETE', url: `/api/v1/principals/${department.id}/keys/${department.keyId}`, headers: bearer(testApp.adminKey) });
  t.equal(revoked.statusCode, 200);
  t.type(revoked.json().revokedAt, 'string');
  const after = await testApp.app.inject({ url: '/api/v1/me', headers: bearer(department.key) });
  t.equal(after.statusCode, 401);
});

t.test('an expired key gets 401', async (t) => {
  const testApp = await buildTestApp(t);
  const { app, adminKey } = testApp;
  const principal = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: DEPARTMENT })).json();
  const expiresAt = new Date(Date.now() + 1500).toISOString();
  const issued = (await app.inject({ method: 'POST', url: `/api/v1/principals/${principal.id}/keys`, headers: bearer(adminKey), payload: { expiresAt } })).json();
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(issued.key) })).statusCode, 200);
  await new Promise((resolve) => setTimeout(resolve, 1600));
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(issued.key) })).statusCode, 401);
});

t.test('a key cannot be issued already expired', async (t) => {
  const testApp = await buildTestApp(t);
  const me = (await testApp.app.inject({ url: '/api/v1/me', headers: bearer(testApp.adminKey) })).json();
  const response = await testApp.app.inject({ method: 'POST', url: `/api/v1/principals/${me.id}/keys`, headers: bearer(testApp.adminKey), payload: { expiresAt: '2020-01-01T00:00:00Z' } });
  t.equal(response.statusCode, 400);
  t.equal(response.json().details[0].path, 'expiresAt');
});

t.test("a disabled principal's keys get 401", async (t) => {
  const testApp = await buildTestApp(t);
  const integrator = await principalWithKey(testApp, { kind: 'integrator', name: '一网通办' });
  t.equal((await testApp.app.inject({ url: '/api/v1/me', headers: bearer(integrator.key) })).statusCode, 200);
  await testApp.app.inject({ method: 'POST', url: `/api/v1/principals/${integrator.id}/disable`, headers: bearer(testApp.adminKey) });
  t.equal((await testApp.app.inject({ url: '/api/v1/me', headers: bearer(integrator.key) })).statusCode, 401);
});

t.test('a key revoked through another instance is refused here within DX_AUTH_CACHE_MS', async (t) => {
  const here = await buildTestApp(t, { env: { DX_AUTH_CACHE_MS: '1500' } });
  const there = await buildTestApp(t, { instanceOf: here });
  const department = await principalWithKey(there, DEPARTMENT);
  t.equal((await here.app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode, 200);
  const revokedAt = Date.now();
  await there.app.inject({ method: 'DELETE', url: `/api/v1/principals/${department.id}/keys/${department.keyId}`, headers: bearer(there.adminKey) });
  t.equal((await there.app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode, 401, 'at once where it was revoked');
  let status = 200;
  while (status === 200 && Date.now() - revokedAt < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await here.app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode;
  }
  t.equal(status, 401);
  t.ok(Date.now() - revokedAt <= 1500 + 300, `refused ${Date.now() - revokedAt} ms after the revocation`);
});

t.test('department and integrator keys get 403 on office routes', async (t) => {
  const testApp = await buildTestApp(t);
  const department = await principalWithKey(testApp, DEPARTMENT);
  const integrator = await principalWithKey(testApp, { kind: 'integrator', name: '一网通办' });
  for (const key of [department.key, integrator.key]) {
    const list = await testApp.app.inject({ url: '/api/v1/principals', headers: bearer(key) });
    t.equal(list.statusCode, 403);
    t.equal(list.json().code, 'DX_ERR_AUTH_FORBIDDEN');
    const issue = await testApp.app.inject({ method: 'POST', url: `/api/v1/principals/${department.id}/keys`, headers: bearer(key), payload: {} });
    t.equal(issue.statusCode, 403);
  }
});

t.test('a key is shown once: never in lists, never stored in clear, never logged', async (t) => {
  const testApp = await buildTestApp(t);
  const department = await principalWithKey(testApp, DEPARTMENT);
  await testApp.app.inject({ url: '/api/v1/me', headers: bearer(department.key) });
  const keys = await testApp.app.inject({ url: `/api/v1/principals/${department.id}/keys`, headers: bearer(testApp.adminKey) });
  t.equal(keys.json().items.length, 1);
  t.notOk(keys.body.includes(department.key), 'the key list does not contain the key');
  t.ok(department.key.startsWith(keys.json().items[0].prefix), 'the list shows a prefix to recognise it by');

  const db = new pg.Client({ connectionString: testApp.databaseUrl });
  await db.connect();
  t.teardown(() => db.end());
  const stored = await db.query('SELECT * FROM api_keys');
  t.notOk(JSON.stringify(stored.rows).includes(department.key), 'the database holds only hashes');

  t.ok(testApp.logs.length > 0, 'the app logged its requests');
  t.notOk(testApp.logs.join('').includes(department.key), 'no log line holds the key');
  t.notOk(testApp.logs.join('').includes(testApp.adminKey), 'no log line holds the admin key');
});
