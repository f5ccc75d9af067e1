import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { parseBearer } from '../auth/api-key.ts';
import { isKnownAction, mayActOn, mayCallRoute, type Action, type OwnedObject } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { createPrincipalStore, type PrincipalStore } from '../auth/principal-store.ts';
import { dxError, type ErrorCode } from '../errors.ts';

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
 */
async function authPlugin(app: FastifyInstance, options: { cacheMs: number }): Promise<void> {
  const store = createPrincipalStore(app.db, { authCacheMs: options.cacheMs });
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

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith(PROTECTED_PREFIX)) return;
    const key = parseBearer(request.headers.authorization);
    if (key === undefined) throw dxError('DX_ERR_AUTH_MISSING');
    const principal = await store.authenticate(key);
    if (!principal) throw dxError('DX_ERR_AUTH_INVALID');
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
