import type { ConnectorContext, ConnectorTask, JsonValue, SourceRecord } from '../types.ts';
import { createHttpClient, describeUrl, type HttpResponse } from './client.ts';
import type { HttpPullConfig } from './config.ts';
import { HttpPullError } from './errors.ts';
import { createIncrementalTracker } from './incremental.ts';
import { isJsonObject, valueAt } from './json-path.ts';
import { createPager, type PageRef, type Scalar } from './pages.ts';

const DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxRedirects: 5,
  retry: { maxRetries: 4, initialDelayMs: 500, maxDelayMs: 30_000 },
} as const;

function credentials(config: HttpPullConfig): { headers: Record<string, string>; secrets: string[] } {
  const auth = config.auth;
  switch (auth?.type) {
    case 'bearer':
      return { headers: { authorization: `Bearer ${auth.token ?? ''}` }, secrets: [auth.token ?? ''] };
    case 'basic': {
      const encoded = Buffer.from(`${auth.user ?? ''}:${auth.password ?? ''}`, 'utf8').toString('base64');
      return { headers: { authorization: `Basic ${encoded}` }, secrets: [auth.password ?? '', encoded] };
    }
    case 'header':
      return { headers: { [auth.header ?? 'x-api-key']: auth.value ?? '' }, secrets: [auth.value ?? ''] };
    default:
      return { headers: {}, secrets: [] };
  }
}

export function createHttpPullTask(config: HttpPullConfig, context: ConnectorContext): ConnectorTask {
  const url = new URL(config.url);
  const partition = config.name ?? url.pathname;
  const recordsPath = config.recordsPath ?? '';
  const batchSize = Math.max(1, Math.trunc(context.batchSize));
  const stopper = new AbortController();
  const onAbort = () => stopper.abort();
  if (context.signal.aborted) stopper.abort();
  else context.signal.addEventListener('abort', onAbort, { once: true });

  const auth = credentials(config);
  const client = createHttpClient({
    context,
    stop: stopper.signal,
    headers: config.headers ?? {},
    authHeaders: auth.headers,
    authOrigin: url.origin,
    secrets: auth.secrets,
    timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
    maxResponseBytes: config.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    maxRedirects: config.maxRedirects ?? DEFAULTS.maxRedirects,
    retry: { ...DEFAULTS.retry, ...config.retry },
  });
  const pager = createPager(config);
  let closed = false;
  const stopped = () => closed || stopper.signal.aborted;

  function recordsOf(response: HttpResponse): Record<string, unknown>[] {
    const found = valueAt(response.json, recordsPath);
    // Some sources leave the list out, or null, when it is empty.
    if (found === undefined || found === null) return [];
    const where = describeUrl(response.url);
    if (!Array.isArray(found)) {
      throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `${where}: ${recordsPath || 'the body'} is ${typeof found}, not an array of records`);
    }
    const index = found.findIndex((record) => !isJsonObject(record));
    if (index >= 0) throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `${where}: record ${index} of ${recordsPath || 'the body'} is not a JSON object`);
    return found as Record<string, unknown>[];
  }

  function incrementalParam(value: Scalar | undefined): [string, Scalar][] {
    return config.incremental && value !== undefined ? [[config.incremental.param, value]] : [];
  }

  async function* read(): AsyncGenerator<SourceRecord[]> {
    if (stopped()) return;
    const stored = context.offsets.get(partition);
    const tracker = config.incremental ? createIncrementalTracker(config.incremental, stored) : undefined;
    let ref: PageRef | undefined = pager.first();
    let skipThrough = -1;
    if (!tracker && stored !== undefined && stored !== null) ({ ref, skipThrough } = pager.resume(stored));
    // Without pagination, an incremental source is read by keyset: each request sends the latest value, until a
    // response brings nothing new. With pagination, the value of the run's start stays put while the pages advance.
    const keyset = tracker !== undefined && ref.type === 'none';
    tracker?.mark();
    const runValue = tracker?.paramValue();

    while (ref !== undefined) {
      const page: PageRef = ref;
      let response: HttpResponse;
      try {
        response = await client.send(pager.request(page, incrementalParam(keyset ? tracker.paramValue() : runValue)));
      } catch (err) {
        if (stopped()) return;
        throw err;
      }
      if (stopped()) return;
      const records = recordsOf(response);
      const where = describeUrl(response.url);
      const fresh: SourceRecord[] = [];
      records.forEach((value, index) => {
        const offset: JsonValue | undefined = tracker ? tracker.accept(value, where) : index > skipThrough ? pager.offsetOf(page, index) : undefined;
        if (offset !== undefined) fresh.push({ partition, offset, value });
      });
      skipThrough = -1;
      for (let start = 0; start < fresh.length; start += batchSize) {
        yield fresh.slice(start, start + batchSize);
        if (stopped()) return;
      }
      if (keyset) {
        if (fresh.length === 0) return;
        tracker.mark();
      } else {
        ref = pager.next(page, response, records.length);
      }
    }
  }

  return {
    async check() {
      try {
        const request = pager.request(pager.first(), incrementalParam(config.incremental?.initial), true);
        const response = await client.send(request, { retries: false });
        const records = recordsOf(response);
        const where = describeUrl(response.url);
        const field = config.incremental?.field;
        const sample = records[0];
        if (field !== undefined && sample !== undefined && valueAt(sample, field) === undefined) {
          return { ok: false, message: `${where} answered ${response.status}, but its records have no ${field}, which incremental reading needs` };
        }
        let message = `${request.method} ${where} answered ${response.status}; ${records.length} record${records.length === 1 ? '' : 's'} ${recordsPath ? `at ${recordsPath}` : 'in the body'}`;
        if (records.length === 0 && recordsPath && valueAt(response.json, recordsPath) === undefined) {
          const keys = isJsonObject(response.json) ? Object.keys(response.json).slice(0, 10).join(', ') : typeof response.json;
          message += ` (the response has nothing at ${recordsPath}; its top level has: ${keys || 'nothing'})`;
        }
        return { ok: true, message };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },
    read,
    async close() {
      if (closed) return;
      closed = true;
      context.signal.removeEventListener('abort', onAbort);
      stopper.abort();
      await client.close();
    },
  };
}
