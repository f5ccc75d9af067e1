import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { registryAuth } from './auth.ts';
import compatibilityRoutes from './compatibility.ts';
import configRoutes from './config.ts';
import { registryErrorHandler } from './error-handler.ts';
import idRoutes from './ids.ts';
import subjectRoutes from './subjects.ts';

export const REGISTRY_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPTED_MEDIA_TYPES = [REGISTRY_MEDIA_TYPE, 'application/vnd.schemaregistry+json'];

/** Confluent answers its own media type unless the client asks for plain JSON only. */
function responseType(request: FastifyRequest): string {
  const accept = request.headers.accept ?? '';
  if (ACCEPTED_MEDIA_TYPES.some((type) => accept.includes(type))) return REGISTRY_MEDIA_TYPE;
  return accept.includes('application/json') ? 'application/json' : REGISTRY_MEDIA_TYPE;
}

/**
 * The Confluent Schema Registry REST subset, mounted with a prefix (`/registry`) so standard Kafka clients and
 * tools can use the gateway's registry. Encapsulated: its authentication (Basic or Bearer API keys), its error
 * shape `{ error_code, message }` and its media types apply to these routes only.
 */
const registryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Bodies are JSON whatever the client calls them (Confluent's media types, curl's form default, none at all),
  // and clients send their content type on bodiless DELETEs too.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.header('content-type', responseType(request));
    return payload;
  });
  registryErrorHandler(app);
  registryAuth(app);

  app.get('/', { config: { action: 'registry:read' }, schema: { hide: true } }, async () => ({}));
  await app.register(subjectRoutes);
  await app.register(idRoutes);
  await app.register(configRoutes);
  await app.register(compatibilityRoutes);
};

export default registryRoutes;
