import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isCompatibilityLevel, registryError, type CompatibilityLevel } from '../../../schemas/registry/index.ts';
import { ConfigBody, DefaultToGlobalQuery, LevelBody, READ_ERRORS, SubjectParams, UpdatedLevelBody } from './bodies.ts';

const tags = ['schema registry'];

function level(value: string): CompatibilityLevel {
  if (!isCompatibilityLevel(value)) throw registryError('DX_ERR_REGISTRY_INVALID_COMPATIBILITY', `Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`);
  return value;
}

const configRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const registry = app.schemaRegistry;
  const service = app.services.registry;

  app.get('/config', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'The global compatibility level', response: { 200: LevelBody, ...READ_ERRORS } },
  }, async () => ({ compatibilityLevel: await registry.globalCompatibility() }));

  app.put('/config', {
    config: { action: 'registry:write' },
    schema: { tags, summary: 'Set the global compatibility level (data office)', body: ConfigBody, response: { 200: UpdatedLevelBody, ...READ_ERRORS } },
  }, async (request) => {
    const compatibility = level(request.body.compatibility.toUpperCase());
    await service.setCompatibility(null, compatibility, request.principal);
    request.log.info({ compatibility }, 'global compatibility level set');
    return { compatibility };
  });

  app.get('/config/:subject', {
    config: { action: 'registry:read' },
    schema: { tags, summary: "A subject's own compatibility level (40408 when it has none, unless defaultToGlobal=true)", params: SubjectParams, querystring: DefaultToGlobalQuery, response: { 200: LevelBody, ...READ_ERRORS } },
  }, async (request) => {
    const { subject } = request.params;
    const own = await registry.subjectCompatibility(subject);
    if (own) return { compatibilityLevel: own };
    if (request.query.defaultToGlobal) return { compatibilityLevel: await registry.globalCompatibility() };
    throw registryError('DX_ERR_REGISTRY_SUBJECT_CONFIG_NOT_FOUND', `Subject '${subject}' does not have subject-level compatibility configured`);
  });

  app.put('/config/:subject', {
    config: { action: 'registry:write' },
    schema: { tags, summary: "Set a subject's own compatibility level (data office)", params: SubjectParams, body: ConfigBody, response: { 200: UpdatedLevelBody, ...READ_ERRORS } },
  }, async (request) => {
    const compatibility = level(request.body.compatibility.toUpperCase());
    await service.setCompatibility(request.params.subject, compatibility, request.principal);
    request.log.info({ subject: request.params.subject, compatibility }, 'subject compatibility level set');
    return { compatibility };
  });

  app.delete('/config/:subject', {
    config: { action: 'registry:write' },
    schema: { tags, summary: "Remove a subject's own level so the global one applies (data office)", params: SubjectParams, response: { 200: LevelBody, ...READ_ERRORS } },
  }, async (request) => {
    const { subject } = request.params;
    const previous = await service.deleteCompatibility(subject, request.principal);
    if (!previous) throw registryError('DX_ERR_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
    request.log.info({ subject }, 'subject compatibility level removed');
    return { compatibilityLevel: previous };
  });
};

export default configRoutes;
