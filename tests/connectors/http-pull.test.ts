import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import t, { type Test } from 'tap';
import { httpPull } from '../../connectors/http-pull/index.ts';
import { nextLink } from '../../connectors/http-pull/link-header.ts';
import { createConnectorRegistry } from '../../connectors/registry.ts';
import type { JsonValue, SourceRecord } from '../../connectors/types.ts';
import { runConformance } from './conformance.ts';
import { createTestContext, type TestContext } from './context.ts';

interface Row {
  id: number;
  name: string;
  updatedAt: string;
}

interface Seen {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

interface Served {
  port: number;
  base: string;
  requests: Seen[];
}

const FAST_RETRY = { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 2000 };

function rows(from: number, to: number): Row[] {
  const out: Row[] = [];
  for (let id = from; id <= to; id++) out.push({ id, name: `企业${id}`, updatedAt: `2026-01-01T00:00:${String(id).padStart(2, '0')}Z` });
  return out;
}

async function serve(t: Test, handler: Handler): Promise<Served> {
  const requests: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://source'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      handler(req, res, seen);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { port, base: `http://127.0.0.1:${port}`, requests };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/**
 * A source offering the same rows under every pagination style. `since` filters by updatedAt, after the value or
 * (inclusive) from it; `cap` limits what one unpaginated response returns.
 */
function dataSource(data: Row[], options: { inclusive?: boolean; cap?: number } = {}): Handler {
  return (_req, res, { url }) => {
    const q = url.searchParams;
    const since = q.get('since');
    const list = since === null ? data : data.filter((row) => (options.inclusive ? row.updatedAt >= since : row.updatedAt > since));
    const int = (name: string, fallback: number) => Number(q.get(name) ?? fallback);
    switch (url.pathname) {
      case '/items':
        return json(res, 200, { data: { items: list.slice(0, options.cap ?? list.length) } });
      case '/pages': {
        const [page, size] = [int('page', 1), int('size', 10)];
        return json(res, 200, { data: { items: list.slice((page - 1) * size, page * size) } });
      }
      case '/offsets':
        return json(res, 200, list.slice(int('offset', 0), int('offset', 0) + int('limit', 10)));
      case '/cursor': {
        const start = q.has('after') ? Number(Buffer.from(q.get('after') ?? '', 'base64url').toString()) : 0;
        const end = start + int('limit', 10);
        const next = end < list.length ? Buffer.from(String(end)).toString('base64url') : null;
        return json(res, 200, { items: list.slice(start, end), meta: { next } });
      }
      case '/link': {
        const [from, per] = [int('from', 0), int('per_page', 10)];
        const links = [`</link?from=0&per_page=${per}>; rel="first"`];
        if (from + per < list.length) links.push(`</link?from=${from + per}&per_page=${per}>; rel="next"`);
        return json(res, 200, list.slice(from, from + per), { link: links.join(', ') });
      }
      default:
        return json(res, 404, { error: 'no such resource' });
    }
  };
}

const MODES = {
  none: { path: '/items', recordsPath: 'data.items' },
  page: { path: '/pages', recordsPath: 'data.items', pagination: { type: 'page', pageSize: 4 } },
  offset: { path: '/offsets', pagination: { type: 'offset', pageSize: 4 } },
  cursor: { path: '/cursor', recordsPath: 'items', pagination: { type: 'cursor', cursorPath: 'meta.next', cursorParam: 'after', sizeParam: 'limit', pageSize: 4 } },
  'link-header': { path: '/link', pagination: { type: 'link-header', sizeParam: 'per_page', pageSize: 4 } },
} as const;

function configFor(served: Served, mode: keyof typeof MODES, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { path, ...rest } = MODES[mode];
  return { url: `${served.base}${path}`, retry: FAST_RETRY, ...rest, ...extra };
}

async function readAll(config: Record<string, unknown>, context: TestContext = createTestContext({ batchSize: 3 })): Promise<SourceRecord[]> {
  const task = httpPull.create(config as never, context);
  const records: SourceRecord[] = [];
  try {
    for await (const batch of task.read()) records.push(...batch);
  } finally {
    await task.close();
  }
  return records;
}

async function readError(config: Record<string, unknown>, context?: TestContext): Promise<Error | undefined> {
  return readAll(config, context).then(
    () => undefined,
    (err: Error) => err,
  );
}

const ids = (records: SourceRecord[]) => records.map((record) => record.value.id);
const resumeFrom = (record: SourceRecord | undefined) => createTestContext({ batchSize: 3, offsets: new Map<string, JsonValue>(record ? [[record.partition, record.offset]] : []) });

/** A context whose allow-list maps test names to the loopback address and refuses the rest. */
function namedContext(allowed: string[]): TestContext & { resolved: string[] } {
  const resolved: string[] = [];
  return {
    ...createTestContext(),
    resolved,
    async resolveHost(host: string) {
      resolved.push(host);
      if (!allowed.includes(host)) throw new Error(`${host} is not on the allow-list`);
      return '127.0.0.1';
    },
  };
}

for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
  t.test(`conformance with ${mode} pagination`, async (t) => {
    runConformance(t, { definition: httpPull, prepare: async (t) => ({ config: configFor(await serve(t, dataSource(rows(1, 10))), mode), count: 10 }) });
  });
}

t.test('conformance when incremental', async (t) => {
  runConformance(t, {
    definition: httpPull,
    prepare: async (t) => ({ config: configFor(await serve(t, dataSource(rows(1, 10), { inclusive: true })), 'page', { incremental: { param: 'since', field: 'updatedAt' } }), count: 10 }),
  });
});

for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
  t.test(`${mode} pagination reads every record once, in order`, async (t) => {
    const served = await serve(t, dataSource(rows(1, 11)));
    const records = await readAll(configFor(served, mode));
    t.same(ids(records), rows(1, 11).map((row) => row.id));
    t.equal(records[0]?.partition, MODES[mode].path, 'the partition is the URL path');
  });
}

t.test('the page and size parameters are the configured ones, and paging stops at a short page', async (t) => {
  const served = await serve(t, (_req, res, { url }) => {
    const page = Number(url.searchParams.get('pageNo'));
    json(res, 200, { rows: rows(1, 7).slice((page - 1) * 3, page * 3) });
  });
  const records = await readAll({ url: `${served.base}/q`, recordsPath: 'rows', pagination: { type: 'page', pageParam: 'pageNo', sizeParam: 'pageSize', pageSize: 3 } });
  t.same(ids(records), [1, 2, 3, 4, 5, 6, 7]);
  t.same(served.requests.map((seen) => seen.url.search), ['?pageNo=1&pageSize=3', '?pageNo=2&pageSize=3', '?pageNo=3&pageSize=3']);
});

t.test('a POST source gets its body, with paging parameters inside it when paramsIn is body', async (t) => {
  const served = await serve(t, (_req, res, { body }) => {
    const { pageNum, pageSize } = JSON.parse(body) as { pageNum: number; pageSize: number };
    json(res, 200, { result: { rows: rows(1, 5).slice((pageNum - 1) * pageSize, pageNum * pageSize) } });
  });
  const config = { url: `${served.base}/query`, method: 'POST', body: { deptCode: '330100' }, paramsIn: 'body', recordsPath: 'result.rows', pagination: { type: 'page', pageParam: 'pageNum', sizeParam: 'pageSize', pageSize: 2 } };
  t.same(ids(await readAll(config)), [1, 2, 3, 4, 5]);
  t.same(JSON.parse(served.requests[1]?.body ?? ''), { deptCode: '330100', pageNum: 2, pageSize: 2 });
  t.equal(served.requests[0]?.method, 'POST');
  t.match(served.requests[0]?.headers['content-type'], /application\/json/);
});

for (const mode of ['page', 'cursor', 'link-header', 'none'] as const) {
  t.test(`${mode}: resuming from an offset in the middle of a page neither repeats nor skips`, async (t) => {
    const served = await serve(t, dataSource(rows(1, 10)));
    const all = await readAll(configFor(served, mode));
    const middle = all[5];
    t.not((middle?.offset as { index: number }).index, 0, 'the stored record is not the first of its page');
    t.same(ids(await readAll(configFor(served, mode), resumeFrom(middle))), [7, 8, 9, 10]);
  });
}

t.test('offset: resuming starts at the record after the stored one', async (t) => {
  const served = await serve(t, dataSource(rows(1, 10)));
  const all = await readAll(configFor(served, 'offset'));
  t.same(all[5]?.offset, { offset: 5 });
  t.same(ids(await readAll(configFor(served, 'offset'), resumeFrom(all[5]))), [7, 8, 9, 10]);
  t.equal(served.requests.at(-2)?.url.searchParams.get('offset'), '6');
});

t.test('page: records appended to the last page are read by the next run', async (t) => {
  const data = rows(1, 10);
  const served = await serve(t, dataSource(data));
  const first = await readAll(configFor(served, 'page'));
  t.same(first.at(-1)?.offset, { page: 3, index: 1 });
  data.push(...rows(11, 13));
  t.same(ids(await readAll(configFor(served, 'page'), resumeFrom(first.at(-1)))), [11, 12, 13]);
});

t.test('a stored offset that does not fit the pagination fails the run', async (t) => {
  const served = await serve(t, dataSource(rows(1, 3)));
  const err = await readError(configFor(served, 'page'), resumeFrom({ partition: '/pages', offset: { cursor: 'x', index: 0 }, value: {} }));
  t.match(err?.message, /does not fit page pagination/);
});

t.test('incremental: the parameter carries the initial value, then the last value read', async (t) => {
  const data = rows(1, 6);
  const served = await serve(t, dataSource(data));
  const config = configFor(served, 'page', { incremental: { param: 'since', field: 'updatedAt', initial: '2026-01-01T00:00:02Z' } });
  const first = await readAll(config);
  t.same(ids(first), [3, 4, 5, 6], 'the initial value filtered the first run');
  t.equal(served.requests[0]?.url.searchParams.get('since'), '2026-01-01T00:00:02Z');
  t.same(first.at(-1)?.offset, { value: '2026-01-01T00:00:06Z', count: 1 });

  data.push(...rows(7, 8));
  served.requests.length = 0;
  t.same(ids(await readAll(config, resumeFrom(first.at(-1)))), [7, 8]);
  t.ok(served.requests.every((seen) => seen.url.searchParams.get('since') === '2026-01-01T00:00:06Z'), 'every page of the run sends the stored value');
});

t.test('incremental: records sharing the stored value are not repeated when the source filters inclusively', async (t) => {
  const data = rows(1, 6).map((row) => ({ ...row, updatedAt: row.id <= 4 ? '2026-03-01' : '2026-03-02' }));
  const served = await serve(t, dataSource(data, { inclusive: true }));
  const config = configFor(served, 'page', { incremental: { param: 'since', field: 'updatedAt' } });
  const all = await readAll(config);
  t.same(ids(all), [1, 2, 3, 4, 5, 6]);
  t.same(all[2]?.offset, { value: '2026-03-01', count: 3 });
  t.same(ids(await readAll(config, resumeFrom(all[2]))), [4, 5, 6]);
});

t.test('incremental without pagination re-sends the latest value until nothing new comes', async (t) => {
  const served = await serve(t, dataSource(rows(1, 7), { cap: 3 }));
  const records = await readAll(configFor(served, 'none', { incremental: { param: 'since', field: 'updatedAt' } }));
  t.same(ids(records), [1, 2, 3, 4, 5, 6, 7]);
  t.same(
    served.requests.map((seen) => seen.url.searchParams.get('since')),
    [null, '2026-01-01T00:00:03Z', '2026-01-01T00:00:06Z', '2026-01-01T00:00:07Z'],
  );
});

t.test('incremental: records out of ascending order fail the run', async (t) => {
  const served = await serve(t, (_req, res) => json(res, 200, [{ id: 1, seq: 5 }, { id: 2, seq: 3 }]));
  const err = await readError({ url: `${served.base}/x`, incremental: { param: 'after', field: 'seq' } });
  t.match(err?.message, /not in ascending order of seq/);
});

t.test('bearer, basic and header credentials are sent', async (t) => {
  const served = await serve(t, (_req, res) => json(res, 200, [{ id: 1 }]));
  const cases = [
    [{ type: 'bearer', token: 'tok-123' }, 'authorization', 'Bearer tok-123'],
    [{ type: 'basic', user: 'reader', password: 'pa55' }, 'authorization', `Basic ${Buffer.from('reader:pa55').toString('base64')}`],
    [{ type: 'header', header: 'X-Api-Key', value: 'key-456' }, 'x-api-key', 'key-456'],
  ] as const;
  for (const [auth, header, expected] of cases) {
    await readAll({ url: `${served.base}/x`, auth, headers: { 'X-Tenant': 'city' } });
    t.equal(served.requests.at(-1)?.headers[header], expected, auth.type);
    t.equal(served.requests.at(-1)?.headers['x-tenant'], 'city');
  }
});

t.test('a 401 gives a clear error that never echoes the secret', async (t) => {
  const served = await serve(t, (req, res) => json(res, 401, { error: 'invalid credentials', got: req.headers.authorization ?? req.headers['x-api-key'] }));
  for (const auth of [
    { type: 'bearer', token: 'S3CRET-token' },
    { type: 'basic', user: 'reader', password: 'S3CRET-pass' },
    { type: 'header', header: 'X-Api-Key', value: 'S3CRET-key' },
  ]) {
    const err = await readError({ url: `${served.base}/x?key=S3CRET-query`, auth });
    t.match(err?.message, /answered 401 Unauthorized: .*invalid credentials/, auth.type);
    t.notMatch(err?.message, /S3CRET/);
    t.notMatch(err?.message, /cmVhZGVyOlMzQ1JFVC1wYXNz/, 'not even base64-encoded');
  }
  t.equal(served.requests.length, 3, '4xx is not retried');
});

t.test('5xx answers are retried until one succeeds', async (t) => {
  let calls = 0;
  const served = await serve(t, (_req, res) => (++calls <= 2 ? json(res, 503, { error: 'busy' }) : json(res, 200, [{ id: 1 }])));
  const context = createTestContext();
  t.same(ids(await readAll({ url: `${served.base}/x`, retry: FAST_RETRY }, context)), [1]);
  t.equal(served.requests.length, 3);
  t.equal(context.logged.filter((line) => line.level === 'warn').length, 2, 'each retry is logged');
});

t.test('a network error is retried', async (t) => {
  let calls = 0;
  const served = await serve(t, (req, res) => (++calls === 1 ? req.socket.destroy() : json(res, 200, [{ id: 1 }])));
  t.same(ids(await readAll({ url: `${served.base}/x`, retry: FAST_RETRY })), [1]);
  t.equal(served.requests.length, 2);
});

t.test('429 waits as long as Retry-After says', async (t) => {
  let calls = 0;
  const served = await serve(t, (_req, res) => (++calls === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, [{ id: 1 }])));
  const started = Date.now();
  t.same(ids(await readAll({ url: `${served.base}/x`, retry: FAST_RETRY })), [1]);
  t.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
});

t.test('a Retry-After longer than maxDelayMs fails the run as retriable', async (t) => {
  const served = await serve(t, (_req, res) => json(res, 503, {}, { 'retry-after': '3600' }));
  const err = (await readError({ url: `${served.base}/x`, retry: FAST_RETRY })) as Error & { retriable?: boolean };
  t.match(err?.message, /answered 503.*retry after 3600 s/);
  t.equal(err?.retriable, true);
  t.equal(served.requests.length, 1);
});

t.test('404 is not retried and names the status and the body', async (t) => {
  const served = await serve(t, dataSource([]));
  const err = await readError({ url: `${served.base}/missing`, retry: FAST_RETRY });
  t.match(err?.message, /GET http:\/\/127\.0\.0\.1:\d+\/missing answered 404 Not Found: .*no such resource/);
  t.equal(served.requests.length, 1);
});

t.test('a response larger than maxResponseBytes is refused naming the cap, with or without Content-Length', async (t) => {
  const big = JSON.stringify(rows(1, 200));
  const served = await serve(t, (_req, res, { url }) => {
    if (url.pathname === '/declared') return json(res, 200, rows(1, 200));
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < big.length; i += 512) res.write(big.slice(i, i + 512));
    res.end();
  });
  for (const path of ['/declared', '/chunked']) {
    const err = await readError({ url: `${served.base}${path}`, maxResponseBytes: 2048 });
    t.match(err?.message, /larger than maxResponseBytes \(2048 bytes\)/, path);
  }
});

t.test('a source too slow to answer is reported as a timeout', async (t) => {
  const served = await serve(t, () => undefined);
  const started = Date.now();
  const err = await readError({ url: `${served.base}/slow`, timeoutMs: 200, retry: { maxRetries: 0 } });
  t.match(err?.message, /GET http:\/\/127\.0\.0\.1:\d+\/slow timed out after 200 ms/);
  t.ok(Date.now() - started < 2000);
});

t.test('a redirect to a host the allow-list refuses is not followed', async (t) => {
  const served = await serve(t, (_req, res, { url }) => {
    if (url.pathname === '/start') {
      res.writeHead(302, { location: `http://blocked.test:${served.port}/items` });
      return res.end();
    }
    json(res, 200, [{ id: 1 }]);
  });
  const context = namedContext(['allowed.test']);
  const err = await readError({ url: `http://allowed.test:${served.port}/start` }, context);
  t.match(err?.message, /host blocked\.test refused: blocked\.test is not on the allow-list/);
  t.same(context.resolved, ['allowed.test', 'blocked.test']);
  t.same(served.requests.map((seen) => seen.url.pathname), ['/start'], 'the blocked target got no request');
});

t.test('a redirect to an allowed host is followed, without the credentials', async (t) => {
  const served = await serve(t, (req, res, { url }) => {
    if (url.pathname === '/start') {
      res.writeHead(307, { location: `http://other.test:${served.port}/items` });
      return res.end();
    }
    json(res, 200, [{ id: 1, authorization: req.headers.authorization ?? null }]);
  });
  const context = namedContext(['allowed.test', 'other.test']);
  const records = await readAll({ url: `http://allowed.test:${served.port}/start`, auth: { type: 'bearer', token: 'tok' } }, context);
  t.same(records.map((record) => record.value), [{ id: 1, authorization: null }]);
  t.equal(served.requests[0]?.headers.authorization, 'Bearer tok', 'the configured origin gets them');
  t.same(context.resolved, ['allowed.test', 'other.test']);
});

t.test('redirects to other schemes, and too many redirects, are refused', async (t) => {
  const served = await serve(t, (_req, res, { url }) => {
    const location = url.pathname === '/file' ? 'file:///etc/passwd' : `/loop${Number(url.pathname.slice(5) || 0) + 1}`;
    res.writeHead(301, { location });
    res.end();
  });
  t.match((await readError({ url: `${served.base}/file` }))?.message, /redirected to a file: URL/);
  t.match((await readError({ url: `${served.base}/loop`, maxRedirects: 2 }))?.message, /more than 2 redirects/);
  t.equal(served.requests.filter((seen) => seen.url.pathname.startsWith('/loop')).length, 3);
});

t.test('an IP address in the URL is checked against the allow-list too', async (t) => {
  const served = await serve(t, (_req, res) => json(res, 200, [{ id: 1 }]));
  const context = namedContext([]);
  const err = await readError({ url: `${served.base}/x` }, context);
  t.match(err?.message, /host 127\.0\.0\.1 refused/);
  t.same(context.resolved, ['127.0.0.1']);
  t.equal(served.requests.length, 0);
});

t.test('https connects to the vetted address but presents the configured name for TLS', async (t) => {
  const names: string[] = [];
  // No certificate is needed to see the name: the client sends it in its first message.
  const server = createTlsServer({ SNICallback: (name, callback) => (names.push(name), callback(new Error('no certificate here'))) });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => void server.close());
  const context = namedContext(['source.test']);
  const task = httpPull.create({ url: `https://source.test:${(server.address() as AddressInfo).port}/x` } as never, context);
  t.match(await task.check(), { ok: false, message: /GET https:\/\/source\.test:\d+\/x failed/ });
  await task.close();
  t.same(context.resolved, ['source.test']);
  t.same(names, ['source.test']);
});

t.test('close ends a read whose request the source never answers', async (t) => {
  const served = await serve(t, () => undefined);
  const task = httpPull.create({ url: `${served.base}/hang` } as never, createTestContext());
  const pending = task.read()[Symbol.asyncIterator]().next();
  while (served.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const started = Date.now();
  await task.close();
  t.same(await pending, { done: true, value: undefined }, 'the read ends quietly');
  t.ok(Date.now() - started < 1000, `ended ${Date.now() - started} ms after close`);
});

t.test('an aborted run ends a pending request and a pending retry wait', async (t) => {
  const served = await serve(t, (_req, res, { url }) => (url.pathname === '/busy' ? json(res, 503, {}, { 'retry-after': '30' }) : undefined));
  for (const path of ['/hang', '/busy']) {
    const context = createTestContext();
    const task = httpPull.create({ url: `${served.base}${path}`, retry: { maxDelayMs: 60_000 } } as never, context);
    const pending = task.read()[Symbol.asyncIterator]().next();
    const before = served.requests.length;
    while (served.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    context.abort();
    t.same(await pending, { done: true, value: undefined }, path);
    t.ok(Date.now() - started < 1000, `${path} ended ${Date.now() - started} ms after the abort`);
    await task.close();
  }
});

t.test('check makes one request for a single record and says what it saw', async (t) => {
  const served = await serve(t, dataSource(rows(1, 10)));
  const task = httpPull.create(configFor(served, 'page') as never, createTestContext());
  const result = await task.check();
  await task.close();
  t.same(result, { ok: true, message: `GET ${served.base}/pages answered 200; 1 record at data.items` });
  t.same(served.requests.map((seen) => seen.url.search), ['?page=1&size=1']);
});

t.test('check reports a refusal, without retrying, and a records path that finds nothing', async (t) => {
  const served = await serve(t, (_req, res, { url }) => (url.pathname === '/down' ? json(res, 503, { error: 'maintenance' }) : json(res, 200, { result: { list: [] } })));
  const down = httpPull.create({ url: `${served.base}/down`, retry: FAST_RETRY } as never, createTestContext());
  t.match(await down.check(), { ok: false, message: /answered 503 Service Unavailable: .*maintenance/ });
  await down.close();
  t.equal(served.requests.length, 1);
  const wrongPath = httpPull.create({ url: `${served.base}/x`, recordsPath: 'data.items' } as never, createTestContext());
  t.match(await wrongPath.check(), { ok: true, message: /0 records at data\.items \(the response has nothing at data\.items; its top level has: result\)/ });
  await wrongPath.close();
});

t.test('a body that is not an array of records fails the run naming the path', async (t) => {
  const served = await serve(t, (_req, res, { url }) => (url.pathname === '/text' ? res.end('<html>login</html>') : json(res, 200, { data: { items: 'none' } })));
  t.match((await readError({ url: `${served.base}/obj`, recordsPath: 'data.items' }))?.message, /data\.items is string, not an array of records/);
  t.match((await readError({ url: `${served.base}/text` }))?.message, /did not answer JSON: <html>login/);
});

t.test('a config name overrides the partition', async (t) => {
  const served = await serve(t, dataSource(rows(1, 2)));
  t.same((await readAll(configFor(served, 'none', { name: 'companies' }))).map((record) => record.partition), ['companies', 'companies']);
});

t.test('the registry accepts the schema and redacts every secret', async (t) => {
  const registry = createConnectorRegistry([httpPull]);
  for (const example of httpPull.examples) t.same(registry.validateConfig('http-pull', example.config), [], example.summary);
  const config = { url: 'https://x.gov.cn/a', auth: { type: 'basic', user: 'u', password: 'p' } };
  t.same(registry.redactSecrets('http-pull', config), { ...config, auth: { type: 'basic', user: 'u', password: '********' } });
  t.same(registry.redactSecrets('http-pull', { url: 'https://x.gov.cn/a', auth: { type: 'header', header: 'X-Key', value: 'v' } }).auth, { type: 'header', header: 'X-Key', value: '********' });
  t.same(registry.redactSecrets('http-pull', { url: 'https://x.gov.cn/a', auth: { type: 'bearer', token: 't' } }).auth, { type: 'bearer', token: '********' });
  t.same(
    registry.validateConfig('http-pull', { url: 'ftp://x/a', extra: 1 }).map((problem) => problem.path).sort(),
    ['config.extra', 'config.url'],
  );
});

t.test('cross-field checks name each misplaced or missing field', async (t) => {
  const problems = httpPull.validate?.({
    url: 'https://user:pw@x.gov.cn/a',
    body: { a: 1 },
    paramsIn: 'body',
    headers: { Authorization: 'Bearer x', Host: 'y' },
    auth: { type: 'bearer', user: 'u' },
    pagination: { type: 'cursor', pageParam: 'p' },
    incremental: { param: 'cursor', field: 'f' },
  } as never);
  t.same(
    problems?.map((problem) => problem.path).sort(),
    ['auth.token', 'auth.user', 'body', 'headers.Authorization', 'headers.Host', 'incremental.param', 'pagination.cursorPath', 'pagination.pageParam', 'paramsIn', 'url'],
  );
});

t.test('Link headers are parsed per RFC 8288', async (t) => {
  t.equal(nextLink('<https://a/x?p=1,2>; rel="prev first", <https://a/x?p=3>; title="a, b; c"; rel="next"'), 'https://a/x?p=3');
  t.equal(nextLink(['</x?page=2>; rel=next', '</x?page=9>; rel="last"']), '/x?page=2');
  t.equal(nextLink('<https://a/x?p=1>; rel="prev"'), undefined);
  t.equal(nextLink(undefined), undefined);
});

t.test('maxResponseBytes defaults to 64 MiB and may not exceed 128 MiB, well under the heap', async (t) => {
  const registry = createConnectorRegistry([httpPull]);
  const url = 'https://x.gov.cn/a';
  t.same(registry.validateConfig('http-pull', { url, maxResponseBytes: 128 * 1024 * 1024 }), []);
  const problems = registry.validateConfig('http-pull', { url, maxResponseBytes: 1024 * 1024 * 1024 });
  t.match(JSON.stringify(problems), /maxResponseBytes/);
  t.match(httpPull.configSchema, { properties: { maxResponseBytes: { default: 64 * 1024 * 1024, maximum: 128 * 1024 * 1024 } } });
});
