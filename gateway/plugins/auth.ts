import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { parseBearer } from '../auth/api-key.ts';
import { isKnownAction, mayActOn, mayCallRoute, type Action, type OwnedObject } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { createPrincipalStore, type PrincipalStore } from '../auth/principal-store.ts';
import { dxError, type ErrorCode } from '../errors.ts';
import { createAuthFailureLimiter } from '../security/auth-failures.ts';

export interface AuthOptions {
  /** See DX_AUTH_CACHE_MS. */
  cacheMs: number;
  /** Unknown keys a minute one client address may send before it gets 429 without a lookup (DX_AUTH_FAILURES_PER_MINUTE). */
  failuresPerMinute?: number;
}

export const PROTECTED_PREFIX = '/api/v1/';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The policy action this route performs (see auth/policy.ts). Required on every /api/v1 route. */
    action?: Action;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every /api/v1 route before validation and handlers run. */
    principal: Principal | null;
    /**
     * Object-level check: throws `notFound` (404) when the caller may not act on `object`, the same answer as for an
     * object that does not exist, so its existence does not leak.
     */
    authorize(object: OwnedObject, notFound?: ErrorCode): void;
  }
  interface FastifyInstance {
    principals: PrincipalStore;
  }
}

function currentPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw dxError('DX_ERR_AUTH_MISSING');
  return request.principal;
}

/**
 * Authenticates `Authorization: Bearer <key>` on every /api/v1 route, then applies the route's policy action.
 * Runs in onRequest, before the body is parsed, so an unauthenticated caller learns nothing from validation errors.
 * An address with too many failed authentications in the last minute gets 429 before its key is looked up, so a
 * flood of bad keys cannot occupy the database (the per-principal limiter of rate-limit.ts counts only after this).
 */
async function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const store = createPrincipalStore(app.db, { authCacheMs: options.cacheMs });
  const failures = createAuthFailureLimiter({ max: options.failuresPerMinute ?? Infinity, windowMs: 60_000 });
  app.decorate('principals', store);
  app.decorateRequest('principal', null);
  app.decorateRequest('authorize', function authorize(this: FastifyRequest, object: OwnedObject, notFound: ErrorCode = 'DX_ERR_NOT_FOUND') {
    const action = this.routeOptions.config.action;
    if (!isKnownAction(action) || !mayActOn(currentPrincipal(this), action, object)) throw dxError(notFound);
  });

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(PROTECTED_PREFIX) && !isKnownAction(route.config?.action)) {
      throw new Error(`${route.method} ${route.url} has no access rule: set config.action to an action of gateway/auth/policy.ts`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith(PROTECTED_PREFIX)) return;
    const waitMs = failures.blockedFor(request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw dxError('DX_ERR_RATE_LIMITED', { message: `Too many failed authentications from this address; retry in ${seconds} s`, retriable: true });
    }
    const key = parseBearer(request.headers.authorization);
    if (key === undefined) throw dxError('DX_ERR_AUTH_MISSING');
    const principal = await store.authenticate(key);
    if (!principal) {
      failures.fail(request.ip);
      throw dxError('DX_ERR_AUTH_INVALID');
    }
    request.principal = principal;
    request.log = request.log.child({ principal: principal.id });
    const action = request.routeOptions.config.action;
    if (!isKnownAction(action)) {
      request.log.error({ route }, 'route has no access rule; denied');
      throw dxError('DX_ERR_AUTH_FORBIDDEN');
    }
    if (!mayCallRoute(principal, action)) throw dxError('DX_ERR_AUTH_FORBIDDEN');
  });
}

export default fp(authPlugin, { name: 'dx-auth', dependencies: ['dx-db'] });
