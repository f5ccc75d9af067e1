import type { FastifyInstance } from 'fastify';
import { parseBearer } from '../../auth/api-key.ts';
import { isKnownAction, mayCallRoute } from '../../auth/policy.ts';
import { registryError } from '../../../schemas/registry/index.ts';

/**
 * The API key of a registry request. Kafka clients send HTTP Basic auth (`basic.auth.user.info=user:key`), so the
 * key is the Basic password (the user name is ignored; a lone user name counts as the key); `Bearer <key>` works too.
 */
export function registryKey(header: string | undefined): string | undefined {
  const bearer = parseBearer(header);
  if (bearer !== undefined) return bearer;
  const basic = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(colon + 1) || decoded.slice(0, colon);
  return key === '' ? undefined : key;
}

/**
 * Authenticates every route of the registry scope with the gateway's API keys and applies its policy action
 * (deny by default: a route without one refuses to register). Errors come out in Confluent's shape.
 */
export function registryAuth(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!isKnownAction(route.config?.action)) {
      throw new Error(`${route.method} ${route.url} has no access rule: set config.action to an action of gateway/auth/policy.ts`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const key = registryKey(request.headers.authorization);
    if (key === undefined) {
      reply.header('www-authenticate', 'Basic realm="dx-schema-registry"');
      throw registryError('DX_ERR_REGISTRY_UNAUTHENTICATED');
    }
    const principal = await app.principals.authenticate(key);
    if (!principal) {
      reply.header('www-authenticate', 'Basic realm="dx-schema-registry"');
      throw registryError('DX_ERR_REGISTRY_KEY_INVALID');
    }
    request.principal = principal;
    request.log = request.log.child({ principal: principal.id });
    if (request.is404) return;
    const action = request.routeOptions.config.action;
    if (!isKnownAction(action) || !mayCallRoute(principal, action)) throw registryError('DX_ERR_REGISTRY_FORBIDDEN');
  });
}
