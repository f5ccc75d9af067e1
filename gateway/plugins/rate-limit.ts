import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { dxError } from '../errors.ts';

export interface RateLimitOptions {
  /** Requests a minute per principal (or per address for unauthenticated routes). */
  perMinute: number;
  /** Push requests a minute per principal, in a bucket of their own. */
  ingestPerMinute: number;
}

const INGEST_ACTION = 'connectors:push';

function isIngest(request: FastifyRequest): boolean {
  return request.routeOptions.config.action === INGEST_ACTION;
}

/**
 * Per-principal rate limits (@fastify/rate-limit, counted in memory per instance). The limit runs as a route-level
 * onRequest hook, so after authentication: authenticated requests count against their principal, others against
 * their address. Must be registered after dx-auth and before the routes it guards. Answers 429 DX_ERR_RATE_LIMITED.
 */
async function rateLimitPlugin(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => (isIngest(request) ? options.ingestPerMinute : options.perMinute),
    keyGenerator: (request) => (request.principal ? `${isIngest(request) ? 'ingest' : 'api'}:${request.principal.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      dxError('DX_ERR_RATE_LIMITED', { message: `At most ${context.max} requests a minute; retry in ${context.after}`, retriable: true }),
  });
}

export default fp(rateLimitPlugin, { name: 'dx-rate-limit', dependencies: ['dx-auth'] });
