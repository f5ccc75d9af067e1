import { Agent, buildConnector, request } from 'undici';
import type { ConnectionRequest, HostGuard } from '../security/host-guard.ts';
import { SIGNATURE_HEADER, signWebhook } from './signature.ts';

export class WebhookError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

export interface WebhookPost {
  url: string;
  secret: string;
  /** The exact JSON text sent and signed. */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

function reason(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : String(err)].filter(Boolean).join(': ');
}

/** The connection a webhook URL opens, for the host guard. */
export function webhookTarget(url: URL): ConnectionRequest {
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { protocol, port: Number(url.port) || (protocol === 'https' ? 443 : 80) };
}

/**
 * Posts one signed webhook batch. The host goes through the allow-list now, at delivery, and the connection goes
 * to the address it vetted (so a name that has come to resolve to a link-local or metadata address is refused,
 * and a resolver answering differently the second time is never asked again). Redirects are not followed.
 * Resolves on a 2xx answer; otherwise throws a WebhookError saying why, never with the receiver's body.
 */
export async function postWebhook(guard: HostGuard, post: WebhookPost): Promise<void> {
  const target = new URL(post.url);
  let address: string;
  try {
    address = await guard.resolve(target.hostname, webhookTarget(target));
  } catch (err) {
    throw new WebhookError(`host refused: ${reason(err)}`, { cause: err });
  }
  const connector = buildConnector({ timeout: post.timeoutMs });
  const agent = new Agent({ connect: (options, callback) => connector({ ...options, hostname: address }, callback) });
  try {
    const response = await request(target, {
      method: 'POST',
      body: post.body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'dx-gateway webhook', ...post.headers, [SIGNATURE_HEADER]: signWebhook(post.secret, post.body) },
      dispatcher: agent,
      signal: AbortSignal.any([post.signal, AbortSignal.timeout(post.timeoutMs)]),
      headersTimeout: post.timeoutMs,
      bodyTimeout: post.timeoutMs,
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new WebhookError(`the receiver answered HTTP ${response.statusCode}`);
  } catch (err) {
    if (err instanceof WebhookError) throw err;
    throw new WebhookError(`request failed: ${reason(err)}`, { cause: err });
  } finally {
    await agent.close().catch(() => undefined);
  }
}
