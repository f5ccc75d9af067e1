import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';

const NO_SUCH_CONNECTOR = '00000000-0000-4000-8000-000000000000';

/** A JSON array of records about `megabytes` long. */
function recordsOf(megabytes: number): string {
  const record = JSON.stringify({ 企业名称: 'x'.repeat(1000) });
  const count = Math.ceil((megabytes * 1024 * 1024) / (record.length + 1));
  return `[${Array.from({ length: count }, () => record).join(',')}]`;
}

t.test('a principal over its rate limit gets 429 in the gateway error shape, and other principals are not affected', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_RATE_LIMIT_PER_MINUTE: '5' } });
  const department = await createDepartment(app, adminKey, 'WJW', '卫健委');
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) })).statusCode, 200);
  const limited = await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) });
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().code, 'DX_ERR_RATE_LIMITED');
  t.match(limited.json().message, /At most 5 requests a minute/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'retry-after says when to come back');
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode, 200, 'another principal has its own budget');
});

t.test('unauthenticated routes are limited per client address', async (t) => {
  const { app } = await buildTestApp(t, { env: { DX_RATE_LIMIT_PER_MINUTE: '3' } });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/healthz', remoteAddress: '10.1.1.1' })).statusCode, 200);
  const limited = await app.inject({ url: '/healthz', remoteAddress: '10.1.1.1' });
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().code, 'DX_ERR_RATE_LIMITED');
  t.equal((await app.inject({ url: '/healthz', remoteAddress: '10.1.1.2' })).statusCode, 200, 'another address has its own budget');
});

t.test('pushes count against their own limit, apart from the principal\'s other requests', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_RATE_LIMIT_PER_MINUTE: '5', DX_INGEST_RATE_LIMIT_PER_MINUTE: '2' } });
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const push = () => app.inject({ method: 'POST', url: `/api/v1/ingest/${NO_SUCH_CONNECTOR}`, headers: bearer(department.key), payload: [] });
  t.equal((await push()).statusCode, 404);
  t.equal((await push()).statusCode, 404);
  const limited = await push();
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().code, 'DX_ERR_RATE_LIMITED');
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode, 200, 'other requests still pass');
});

t.test('a body over 10 MB gets 413 DX_ERR_PAYLOAD_TOO_LARGE', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const response = await app.inject({ method: 'POST', url: '/api/v1/principals', headers: { ...bearer(adminKey), 'content-type': 'application/json' }, payload: JSON.stringify({ kind: 'integrator', name: 'x'.repeat(11 * 1024 * 1024) }) });
  t.equal(response.statusCode, 413);
  t.equal(response.json().code, 'DX_ERR_PAYLOAD_TOO_LARGE');
});

t.test('a push body may exceed 10 MB but not 32 MB, as JSON or NDJSON', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const url = `/api/v1/ingest/${NO_SUCH_CONNECTOR}`;
  const json = { ...bearer(department.key), 'content-type': 'application/json' };
  const medium = await app.inject({ method: 'POST', url, headers: json, payload: recordsOf(12) });
  t.equal(medium.statusCode, 404, 'a 12 MB body is read (and the unknown connector named)');
  const large = await app.inject({ method: 'POST', url, headers: json, payload: recordsOf(33) });
  t.equal(large.statusCode, 413);
  t.equal(large.json().code, 'DX_ERR_PAYLOAD_TOO_LARGE');
  const ndjson = recordsOf(33).slice(1, -1).replaceAll('},{', '}\n{');
  const largeLines = await app.inject({ method: 'POST', url, headers: { ...bearer(department.key), 'content-type': 'application/x-ndjson' }, payload: ndjson });
  t.equal(largeLines.statusCode, 413);
  t.equal(largeLines.json().code, 'DX_ERR_PAYLOAD_TOO_LARGE');
});

t.test('every documented list route caps its page size and refuses a limit over the cap with 400', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  // Routes only integrators may call (consuming a subscription) are checked with an integrator's key.
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  const document = (await app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean; schema?: { maximum?: number; default?: unknown } }[] }>>;
  };
  const paged = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, operation]) => {
      const limit = operation.parameters?.find((parameter) => parameter.in === 'query' && parameter.name === 'limit');
      // Other required query parameters get a value valid for them (the register usage's key is an ID number).
      const required = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' && parameter.required && parameter.schema?.default === undefined && parameter.name !== 'limit').map((parameter) => `&${parameter.name}=11010519491231002X`);
      return limit ? [{ method: method.toUpperCase(), path, maximum: limit.schema?.maximum, required: required.join('') }] : [];
    }),
  );
  for (const expected of ['GET /api/v1/principals', 'GET /api/v1/connectors', 'GET /api/v1/connectors/{id}/rejected', 'GET /api/v1/audit']) {
    t.ok(paged.some((route) => `${route.method} ${route.path}` === expected), `${expected} is paged`);
  }
  for (const route of paged) {
    const name = `${route.method} ${route.path}`;
    t.type(route.maximum, 'number', `${name} has a cap`);
    const url = `${route.path.replace(/\{[^}]+\}/g, NO_SUCH_CONNECTOR)}?limit=${(route.maximum ?? 0) + 1}${route.required}`;
    let response = await app.inject({ method: route.method as 'GET', url, headers: bearer(adminKey) });
    if (response.statusCode === 403) response = await app.inject({ method: route.method as 'GET', url, headers: bearer(integrator.key) });
    t.equal(response.statusCode, 400, `${name} refuses limit=${(route.maximum ?? 0) + 1}`);
    t.equal(response.json().details?.[0]?.path, 'querystring.limit', `${name} names the limit`);
  }
});
