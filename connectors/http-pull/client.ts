import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { ConnectorContext } from '../types.ts';
import { HttpPullError } from './errors.ts';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** JSON text, for POST. */
  body?: string;
}

export interface HttpResponse {
  /** The URL that answered, after redirects (a Link header's relative URLs resolve against it). */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
}

export interface HttpClientOptions {
  context: ConnectorContext;
  /** Aborted on close and when the run is aborted; ends a pending request or wait at once. */
  stop: AbortSignal;
  headers: Record<string, string>;
  /** Credential headers, sent only to `authOrigin`. */
  authHeaders: Record<string, string>;
  authOrigin: string;
  /** Strings that must never appear in a message (credentials). */
  secrets: string[];
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  retry: { maxRetries: number; initialDelayMs: number; maxDelayMs: number };
}

export interface HttpClient {
  /** One logical request: redirects followed and, unless `retries` is false, retried on transient failures. */
  send(request: HttpRequest, options?: { retries?: boolean }): Promise<HttpResponse>;
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const EXCERPT_BYTES = 4096;
const EXCERPT_CHARS = 200;
const RETRIABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** A URL as shown in messages and logs: no query string, which may carry a key the department put there. */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Stops a body without reading it; the abort error it then emits has nowhere useful to go. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads a body up to `cap` bytes; past it, either refuses (the whole body was needed) or keeps the start. */
async function readBody(body: Dispatcher.ResponseData['body'], cap: number, truncate: boolean, tooLarge: () => HttpPullError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > cap) {
      discard(body);
      if (!truncate) throw tooLarge();
      return Buffer.concat(chunks).subarray(0, cap);
    }
  }
  return Buffer.concat(chunks);
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { context, stop, timeoutMs, maxResponseBytes, maxRedirects, retry } = options;
  const secrets = options.secrets.filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  const redact = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);

  // Every connection, whichever origin a redirect or a next link leads to, resolves its host through the allow-list
  // and connects to the vetted address. A custom connector rather than `lookup`: net.connect skips lookup for IP
  // literals, which would let http://169.254.169.254/ through unchecked. `host` keeps the name, so TLS verifies it.
  const connector = buildConnector({ timeout: timeoutMs });
  const agent = new Agent({
    connect(connectOptions, callback) {
      const protocol = connectOptions.protocol === 'https:' ? 'https' : 'http';
      const port = Number(connectOptions.port) || (protocol === 'https' ? 443 : 80);
      context.resolveHost(connectOptions.hostname, { protocol, port }).then(
        (address) => connector({ ...connectOptions, hostname: address }, callback),
        (err: unknown) => {
          const transient = errorCode(err) === 'EAI_AGAIN';
          const reason = err instanceof Error ? err.message : String(err);
          const code = transient ? 'DX_ERR_HTTP_PULL_NETWORK' : 'DX_ERR_HTTP_PULL_HOST_REFUSED';
          callback(new HttpPullError(code, `host ${connectOptions.hostname} refused: ${redact(reason)}`, { retriable: transient, cause: err }), null);
        },
      );
    },
  });

  function headersFor(url: URL, request: HttpRequest): Record<string, string> {
    return {
      accept: 'application/json',
      'user-agent': 'dx-gateway http-pull',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
      ...(url.origin === options.authOrigin ? options.authHeaders : {}),
    };
  }

  async function statusError(request: HttpRequest, url: URL, response: Dispatcher.ResponseData): Promise<HttpPullError> {
    let excerpt = '';
    try {
      const raw = await readBody(response.body, EXCERPT_BYTES, true, () => new HttpPullError('DX_ERR_HTTP_PULL_TOO_LARGE', ''));
      excerpt = redact(raw.toString('utf8').replace(/\s+/g, ' ').trim());
      if (excerpt.length > EXCERPT_CHARS) excerpt = `${excerpt.slice(0, EXCERPT_CHARS)}…`;
    } catch {
      // The status says enough when the body cannot be read.
    }
    const status = response.statusCode;
    const retriable = status === 429 || status >= 500;
    const message = `${request.method} ${describeUrl(url)} answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + (excerpt ? `: ${excerpt}` : '');
    return new HttpPullError('DX_ERR_HTTP_PULL_STATUS', message, { status, retriable, retryAfterMs: retriable ? parseRetryAfter(response.headers['retry-after']) : undefined });
  }

  async function follow(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    let current = request;
    for (let hop = 0; ; hop++) {
      const { url } = current;
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: current.method,
        headers: headersFor(url, current),
        body: current.body ?? null,
        signal,
        // Our own timer covers the whole request; undici's are a backstop.
        headersTimeout: timeoutMs + 1000,
        bodyTimeout: timeoutMs + 1000,
      });
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        if (hop >= maxRedirects) throw new HttpPullError('DX_ERR_HTTP_PULL_REDIRECT', `${request.method} ${describeUrl(request.url)}: more than ${maxRedirects} redirects`);
        let target: URL;
        try {
          target = new URL(location, url);
        } catch (err) {
          throw new HttpPullError('DX_ERR_HTTP_PULL_REDIRECT', `${describeUrl(url)} redirected to an invalid location`, { cause: err });
        }
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          throw new HttpPullError('DX_ERR_HTTP_PULL_REDIRECT', `${describeUrl(url)} redirected to a ${target.protocol} URL; only http and https are followed`);
        }
        const keepsMethod = response.statusCode === 307 || response.statusCode === 308 || (current.method === 'GET' && response.statusCode !== 303);
        current = keepsMethod ? { ...current, url: target } : { method: 'GET', url: target };
        context.log.debug({ from: describeUrl(url), to: describeUrl(target), status: response.statusCode }, 'http-pull redirected');
        continue;
      }
      if (response.statusCode < 200 || response.statusCode > 299) throw await statusError(current, url, response);

      const tooLarge = () =>
        new HttpPullError('DX_ERR_HTTP_PULL_TOO_LARGE', `${describeUrl(url)}: response larger than maxResponseBytes (${maxResponseBytes} bytes); refused`);
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        discard(response.body);
        throw tooLarge();
      }
      const raw = await readBody(response.body, maxResponseBytes, false, tooLarge);
      try {
        return { url, status: response.statusCode, headers: response.headers, json: raw.length === 0 ? null : JSON.parse(raw.toString('utf8')) };
      } catch (err) {
        const excerpt = redact(raw.subarray(0, EXCERPT_CHARS).toString('utf8').replace(/\s+/g, ' '));
        throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `${describeUrl(url)} did not answer JSON: ${excerpt}`, { cause: err });
      }
    }
  }

  async function attempt(request: HttpRequest): Promise<HttpResponse> {
    const controller = new AbortController();
    const timeout = new HttpPullError('DX_ERR_HTTP_PULL_TIMEOUT', `${request.method} ${describeUrl(request.url)} timed out after ${timeoutMs} ms`, { retriable: true });
    const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
    const onStop = () => controller.abort(aborted());
    stop.addEventListener('abort', onStop, { once: true });
    try {
      if (stop.aborted) throw aborted();
      return await follow(request, controller.signal);
    } catch (err) {
      if (stop.aborted) throw aborted();
      if (controller.signal.reason === timeout) throw timeout;
      if (err instanceof HttpPullError) throw err;
      const code = errorCode(err);
      const reason = redact(err instanceof Error ? err.message : String(err));
      if (code !== undefined && TIMEOUT_CODES.has(code)) throw new HttpPullError('DX_ERR_HTTP_PULL_TIMEOUT', `${request.method} ${describeUrl(request.url)} timed out: ${reason}`, { retriable: true, cause: err });
      const retriable = code !== undefined && RETRIABLE_NETWORK_CODES.has(code);
      throw new HttpPullError('DX_ERR_HTTP_PULL_NETWORK', `${request.method} ${describeUrl(request.url)} failed: ${reason}`, { retriable, cause: err });
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    }
  }

  function aborted(): HttpPullError {
    return new HttpPullError('DX_ERR_HTTP_PULL_ABORTED', 'the read was stopped');
  }

  return {
    async send(request, { retries = true } = {}) {
      for (let attemptNo = 0; ; attemptNo++) {
        try {
          return await attempt(request);
        } catch (err) {
          if (!(err instanceof HttpPullError) || !err.retriable || !retries || attemptNo >= retry.maxRetries) throw err;
          const backoff = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** attemptNo);
          // Jitter in [backoff/2, backoff], so tasks that failed together do not retry together.
          let delayMs = Math.round(backoff / 2 + (Math.random() * backoff) / 2);
          if (err.retryAfterMs !== undefined) {
            if (err.retryAfterMs > retry.maxDelayMs) {
              throw new HttpPullError('DX_ERR_HTTP_PULL_STATUS', `${err.message} (asked to retry after ${Math.ceil(err.retryAfterMs / 1000)} s, more than retry.maxDelayMs)`, {
                status: err.status,
                retriable: true,
                retryAfterMs: err.retryAfterMs,
              });
            }
            delayMs = err.retryAfterMs;
          }
          context.log.warn({ url: describeUrl(request.url), code: err.code, status: err.status, attempt: attemptNo + 1, delayMs }, 'http-pull request failed; retrying');
          try {
            await sleep(delayMs, undefined, { signal: stop });
          } catch {
            throw aborted();
          }
        }
      }
    },
    async close() {
      await agent.destroy().catch(() => undefined);
    },
  };
}
