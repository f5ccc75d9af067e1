import type { KeyObject } from 'node:crypto';
import { Agent, buildConnector, request } from 'undici';
import { DxError, dxError } from '../errors.ts';
import type { HostGuard } from '../security/host-guard.ts';
import { signCall } from './signature.ts';

export interface PeerAnswer {
  status: number;
  body: unknown;
}

/** A federated call that did not get an answer, or got a 5xx; retriable. */
export class PeerUnreachable extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerUnreachable';
  }
}

export interface PeerClient {
  /**
   * Sends a signed call to `baseUrl` + `path`, for `integrator` when given; the JSON answer, or PeerUnreachable.
   * Throws DX_ERR_HOST_REFUSED (naming `baseUrl`) when the peer's host is off the allow-list or resolves to an
   * address that may not be reached, and DX_ERR_PEER_REFUSED when the peer answers a redirect.
   */
  call(baseUrl: string, method: 'GET' | 'POST', path: string, options?: { body?: unknown; integrator?: string }): Promise<PeerAnswer>;
}

/** Checks a peer's base URL against the allow-list: the address to connect to, or DX_ERR_HOST_REFUSED naming `baseUrl`. */
export async function vetPeerUrl(guard: HostGuard, baseUrl: string): Promise<string> {
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  try {
    return await guard.resolve(url.hostname, { protocol, port: Number(url.port) || (protocol === 'https' ? 443 : 80) });
  } catch (err) {
    if (err instanceof DxError && err.code === 'DX_ERR_HOST_REFUSED' && !err.retriable) {
      throw dxError('DX_ERR_HOST_REFUSED', { message: `baseUrl: ${err.message}`, details: [{ path: 'baseUrl', message: err.message }], cause: err });
    }
    throw new PeerUnreachable(`${baseUrl}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Every call re-checks the peer's host through the allow-list and connects to the address it vetted, so a name
 * that has come to resolve to a forbidden address (DNS rebinding) is refused; redirects are never followed.
 */
export function createPeerClient(options: { instanceId: string; privateKey: KeyObject; timeoutMs: number; guard: HostGuard }): PeerClient {
  return {
    async call(baseUrl, method, path, callOptions = {}) {
      const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
      const address = await vetPeerUrl(options.guard, baseUrl);
      const body = callOptions.body === undefined ? '' : JSON.stringify(callOptions.body);
      const headers = await signCall({ method, url, body, instanceId: options.instanceId, integrator: callOptions.integrator }, options.privateKey);
      const connector = buildConnector({ timeout: options.timeoutMs });
      const agent = new Agent({ connect: (connectOptions, callback) => connector({ ...connectOptions, hostname: address }, callback) });
      let status: number;
      let text: string;
      try {
        const response = await request(url, {
          method,
          headers: { ...headers, accept: 'application/json, application/ld+json', ...(body === '' ? {} : { 'content-type': 'application/json' }) },
          ...(body === '' ? {} : { body }),
          dispatcher: agent,
          signal: AbortSignal.timeout(options.timeoutMs),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (err) {
        throw new PeerUnreachable(`${method} ${url}: ${(err as Error).message}`, { cause: err });
      } finally {
        await agent.close().catch(() => undefined);
      }
      if (status >= 500) throw new PeerUnreachable(`${method} ${url}: ${status}`);
      if (status >= 300 && status < 400) {
        throw dxError('DX_ERR_PEER_REFUSED', { message: `${method} ${url} answered a redirect (${status}); federated calls do not follow redirects`, details: [{ path: 'baseUrl', message: `the peer answered ${status}, a redirect` }] });
      }
      let parsed: unknown = text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: the text is the answer (an error page of a proxy, say).
      }
      return { status, body: parsed };
    },
  };
}
