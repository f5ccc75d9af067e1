import type { KeyObject } from 'node:crypto';
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
  /** Sends a signed call to `baseUrl` + `path`, for `integrator` when given; the JSON answer, or PeerUnreachable. */
  call(baseUrl: string, method: 'GET' | 'POST', path: string, options?: { body?: unknown; integrator?: string }): Promise<PeerAnswer>;
}

export function createPeerClient(options: { instanceId: string; privateKey: KeyObject; timeoutMs: number }): PeerClient {
  return {
    async call(baseUrl, method, path, callOptions = {}) {
      const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
      const body = callOptions.body === undefined ? '' : JSON.stringify(callOptions.body);
      const headers = await signCall({ method, url, body, instanceId: options.instanceId, integrator: callOptions.integrator }, options.privateKey);
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: { ...headers, accept: 'application/json, application/ld+json', ...(body === '' ? {} : { 'content-type': 'application/json' }) },
          ...(body === '' ? {} : { body }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (err) {
        throw new PeerUnreachable(`${method} ${url}: ${(err as Error).message}`, { cause: err });
      }
      const text = await response.text();
      if (response.status >= 500) throw new PeerUnreachable(`${method} ${url}: ${response.status}`);
      let parsed: unknown = text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: the text is the answer (an error page of a proxy, say).
      }
      return { status: response.status, body: parsed };
    },
  };
}
