import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';

interface Operation {
  method: string;
  path: string;
}

/** Path parameter values: well-formed but unknown, wrongly typed, wrongly encoded, oversized. */
const PARAMETERS = ['00000000-0000-4000-8000-000000000000', 'x', '%00', '%ED%A0%80', '%FF%FE', '..%2F..%2Fetc', '1e309', 'a'.repeat(3000), '-1'];

/** Query strings every route gets, whatever it declares. */
const QUERIES = ['', '?limit=1e309&offset=Infinity', '?limit=-1&offset=NaN', '?q=%00&cursor=%ED%A0%80', `?q=${'人'.repeat(4000)}`, '?limit=1&limit=2&sort[]=x', '?%00=1'];

function deep(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

/** Bodies as raw text with the content type they claim. */
const BODIES: { name: string; contentType: string; payload: string | Buffer }[] = [
  { name: 'truncated JSON', contentType: 'application/json', payload: '{"name": "x", "config": {' },
  { name: 'a number', contentType: 'application/json', payload: '42' },
  { name: 'a string', contentType: 'application/json', payload: '"x"' },
  { name: 'null', contentType: 'application/json', payload: 'null' },
  { name: 'an array of numbers', contentType: 'application/json', payload: `[${Array.from({ length: 20_000 }, (_, i) => i).join(',')}]` },
  { name: 'wrong types in every usual field', contentType: 'application/json', payload: JSON.stringify({ name: 1, kind: [], type: {}, config: 'x', mapping: 7, fields: 'a', delivery: null, items: 3, departmentCode: true, purpose: [], expiresAt: 'tomorrow', schema: 1 }) },
  { name: 'NUL and lone surrogates', contentType: 'application/json', payload: '{"name":"a\\u0000b","description":"\\ud800","code":"\\udfff","x\\u0000":1}' },
  { name: 'a well-formed principal with a NUL in its name', contentType: 'application/json', payload: '{"kind":"integrator","name":"平台\\u0000"}' },
  { name: 'an infinite number', contentType: 'application/json', payload: '{"name":"x","limit":1e309,"records":[1e309],"version":-1e309}' },
  { name: 'nested 5,000 deep', contentType: 'application/json', payload: deep(5000) },
  { name: 'nested 40 deep', contentType: 'application/json', payload: deep(40) },
  { name: 'oversized strings', contentType: 'application/json', payload: JSON.stringify({ name: '名'.repeat(300_000), description: 'd'.repeat(500_000) }) },
  { name: 'invalid UTF-8', contentType: 'application/json; charset=utf-8', payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'GBK bytes claimed as JSON', contentType: 'application/json', payload: Buffer.from([0x7b, 0x22, 0xd5, 0xc5, 0xc8, 0xfd, 0x22, 0x3a, 0x31, 0x7d]) },
  { name: 'prototype pollution', contentType: 'application/json', payload: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}' },
  { name: 'NDJSON with a bad line', contentType: 'application/x-ndjson', payload: '{"a":1}\n{"a":\n' },
  { name: 'form data', contentType: 'application/x-www-form-urlencoded', payload: 'name=x&kind=office' },
  { name: 'plain text', contentType: 'text/plain', payload: 'hello' },
];

const pathWith = (template: string, value: string) => template.replace(/\{[^}]+\}/g, value);

t.test('a few thousand malformed requests to every route as every kind of principal: no 5xx, no crash, ready throughout', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_RATE_LIMIT_PER_MINUTE: '1000000', DX_INGEST_RATE_LIMIT_PER_MINUTE: '1000000', DX_AUTH_FAILURES_PER_MINUTE: '1000000' } });
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const integrator = await createIntegrator(app, adminKey, '一网通办平台');
  const principals: [string, Record<string, string>][] = [['office', bearer(adminKey)], ['department', bearer(department.key)], ['integrator', bearer(integrator.key)], ['none', {}]];

  const document = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method)).map((method) => ({ method: method.toUpperCase(), path })),
  );
  t.ok(operations.length >= 40, `${operations.length} operations in the OpenAPI document`);
  const families = new Set(operations.map((operation) => operation.path.split('/').slice(0, 4).join('/')));

  const requests: { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer; label: string }[] = [];
  for (const operation of operations) {
    for (const [who, headers] of principals) {
      const hasBody = operation.method !== 'GET' && operation.method !== 'DELETE';
      const parameters = operation.path.includes('{') ? PARAMETERS : [''];
      parameters.forEach((parameter, index) => {
        const query = QUERIES[index % QUERIES.length] as string;
        const url = `${pathWith(operation.path, parameter)}${query}`;
        requests.push({ method: operation.method, url, headers, label: `${who} ${operation.method} ${url.slice(0, 120)}` });
      });
      for (const query of QUERIES) requests.push({ method: operation.method, url: `${pathWith(operation.path, PARAMETERS[0] as string)}${query}`, headers, label: `${who} ${operation.method} ${operation.path}${query.slice(0, 60)}` });
      if (!hasBody) continue;
      for (const body of BODIES) {
        requests.push({ method: operation.method, url: pathWith(operation.path, PARAMETERS[0] as string), headers: { ...headers, 'content-type': body.contentType }, payload: body.payload, label: `${who} ${operation.method} ${operation.path} with ${body.name}` });
      }
    }
  }
  t.ok(requests.length >= 2000 && requests.length <= 12_000, `${requests.length} requests over ${families.size} route families`);

  const failures: string[] = [];
  let notReady = 0;
  const started = performance.now();
  const CONCURRENCY = 8;
  for (let at = 0; at < requests.length; at += CONCURRENCY) {
    const batch = requests.slice(at, at + CONCURRENCY);
    const answers = await Promise.all(batch.map(({ label: _label, ...request }) => app.inject(request as never)));
    answers.forEach((answer, index) => {
      if (answer.statusCode >= 500) failures.push(`${(batch[index] as { label: string }).label} answered ${answer.statusCode} ${answer.body.slice(0, 200)}`);
    });
    if ((at / CONCURRENCY) % 25 === 0 && (await app.inject({ url: '/readyz' })).statusCode !== 200) notReady++;
  }
  t.same(failures, [], 'no request answered 5xx');
  t.equal(notReady, 0, '/readyz stayed ready');
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process is alive');
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) })).statusCode, 200, 'and still serves its callers');
  t.ok(performance.now() - started < 120_000, `sent in ${Math.round((performance.now() - started) / 1000)} s`);
});
