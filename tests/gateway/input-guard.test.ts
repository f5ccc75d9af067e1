import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';

const NO_SUCH_CONNECTOR = '00000000-0000-4000-8000-000000000000';

/** A record nested `depth` objects deep, as JSON text (JSON.stringify itself overflows on 10,000). */
function nested(depth: number): string {
  return `${'{"inner":'.repeat(depth)}{"xm":"张三"}${'}'.repeat(depth)}`;
}

t.test('a NUL character in a JSON body is refused with 400 naming the field, not stored', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const connector = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '企业\u0000登记', type: 'http-push', schema: 'legal-person.organisation', config: {}, mapping: { fields: { credit_code: 'tyshxydm' } } } });
  t.equal(connector.statusCode, 400);
  t.equal(connector.json().code, 'DX_ERR_REQUEST_INVALID');
  t.same(connector.json().details, [{ path: 'name', message: 'contains a NUL character (\\u0000), which cannot be stored' }]);

  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${NO_SUCH_CONNECTOR}`, headers: bearer(department.key), payload: [{ xm: '张三' }, { xm: '李四', sfzh: '1101\u000001' }] });
  t.equal(pushed.statusCode, 400);
  t.equal(pushed.json().details[0].path, '[1].sfzh');
});

t.test('a lone surrogate in a pushed record or a field name is refused with 400 naming it', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const url = `/api/v1/ingest/${NO_SUCH_CONNECTOR}`;
  const headers = { ...bearer(department.key), 'content-type': 'application/json' };
  const value = await app.inject({ method: 'POST', url, headers, payload: '[{"xm":"\\ud800"}]' });
  t.equal(value.statusCode, 400);
  t.match(value.json().details[0], { path: '[0].xm', message: /lone surrogate/ });
  const key = await app.inject({ method: 'POST', url, headers, payload: '[{"x\\udc00m":"张三"}]' });
  t.equal(key.statusCode, 400);
  t.match(key.json().details[0], { path: /^\[0\]\.x/, message: /field name/ });
  const pair = await app.inject({ method: 'POST', url, headers, payload: '[{"xm":"\\ud842\\udfb7"}]' });
  t.equal(pair.statusCode, 404, 'a well-formed surrogate pair (𠮷) passes the guard');
});

t.test('a record nested 10,000 deep is refused with 400 naming where it gets too deep', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const response = await app.inject({ method: 'POST', url: `/api/v1/ingest/${NO_SUCH_CONNECTOR}`, headers: { ...bearer(department.key), 'content-type': 'application/json' }, payload: `[${nested(10_000)}]` });
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'DX_ERR_REQUEST_INVALID');
  t.match(response.json().details[0], { path: /^\[0\](\.inner){31}$/, message: 'is nested more than 32 levels deep' });
  const shallow = await app.inject({ method: 'POST', url: `/api/v1/ingest/${NO_SUCH_CONNECTOR}`, headers: { ...bearer(department.key), 'content-type': 'application/json' }, payload: `[${nested(20)}]` });
  t.equal(shallow.statusCode, 404, 'nesting within the bound passes');
});

t.test('a NUL character in a query string or path parameter is refused with 400 naming the parameter', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const search = await app.inject({ url: '/api/v1/catalog/resources?q=%E4%BA%BA%00', headers: bearer(adminKey) });
  t.equal(search.statusCode, 400);
  t.equal(search.json().details[0].path, 'querystring.q');
  const subject = await app.inject({ url: '/registry/subjects/a%00b/versions', headers: bearer(adminKey) });
  t.ok(subject.statusCode >= 400 && subject.statusCode < 500, `a NUL in a schema subject answers ${subject.statusCode}`);
});

t.test('numeric query parameters must be finite integers: 1e309 and Infinity answer 400 naming the parameter', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  for (const query of ['limit=1e309', 'limit=Infinity', 'offset=1e309', 'offset=Infinity', 'offset=-Infinity', 'limit=NaN']) {
    const response = await app.inject({ url: `/api/v1/catalog/resources?${query}`, headers: bearer(adminKey) });
    t.equal(response.statusCode, 400, query);
    t.equal(response.json().details?.[0]?.path, `querystring.${query.split('=')[0]}`, query);
  }
  const principals = await app.inject({ url: '/api/v1/principals?offset=1e309', headers: bearer(adminKey) });
  t.equal(principals.statusCode, 400, 'every route, not only the catalogue search');
  t.equal((await app.inject({ url: '/api/v1/catalog/resources?limit=5&offset=0', headers: bearer(adminKey) })).statusCode, 200);
});

t.test('a push of about 1 MB of numbers answers 400 promptly with at most 100 errors and the count of the rest', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const numbers = `[${Array.from({ length: 250_000 }, (_, i) => i % 10).join(',')}]`;
  t.ok(numbers.length > 450_000);
  let healthWorst = 0;
  let pushing = true;
  const health = (async () => {
    while (pushing) {
      // Counted from when the probe was due, so time the event loop spent busy elsewhere counts.
      const due = performance.now() + 20;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await app.inject({ url: '/healthz' });
      healthWorst = Math.max(healthWorst, performance.now() - due);
    }
  })();
  const started = performance.now();
  const response = await app.inject({ method: 'POST', url: `/api/v1/ingest/${NO_SUCH_CONNECTOR}`, headers: { ...bearer(department.key), 'content-type': 'application/json' }, payload: numbers });
  const took = performance.now() - started;
  pushing = false;
  await health;
  t.equal(response.statusCode, 400);
  const body = response.json();
  t.equal(body.code, 'DX_ERR_REQUEST_INVALID');
  t.ok(body.details.length <= 100, `${body.details.length} details`);
  t.same(body.details[0], { path: '[0]', message: 'must be object' });
  t.match(body.message, /and 249900 more errors not listed$/);
  t.ok(response.body.length < 64 * 1024, `the answer is ${response.body.length} bytes`);
  t.ok(took < 5000, `answered in ${Math.round(took)} ms`);
  t.ok(healthWorst < 3000, `/healthz answered within ${Math.round(healthWorst)} ms meanwhile`);
});
