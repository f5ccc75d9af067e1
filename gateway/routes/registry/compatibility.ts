import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseVersionId } from '../../../schemas/registry/index.ts';
import { CompatibilityBody, READ_ERRORS, SchemaBody, SubjectParams, SubjectVersionParams, VerboseQuery } from './bodies.ts';
import { schemaInput } from './schema-input.ts';

const tags = ['schema registry'];

function answer(problems: string[], verbose: boolean) {
  return { is_compatible: problems.length === 0, ...(verbose ? { messages: problems } : {}) };
}

const compatibilityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const registry = app.schemaRegistry;

  app.post('/compatibility/subjects/:subject/versions/:version', {
    config: { action: 'registry:read' },
    schema: { tags, summary: "Test a schema against one version at the subject's compatibility level", params: SubjectVersionParams, querystring: VerboseQuery, body: SchemaBody, response: { 200: CompatibilityBody, ...READ_ERRORS } },
  }, async (request) => {
    const { schema, type } = schemaInput(request.body);
    const version = parseVersionId(request.params.version);
    return answer(await registry.compatibilityProblems(request.params.subject, schema, type, version), request.query.verbose);
  });

  app.post('/compatibility/subjects/:subject/versions', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Test a schema against the versions registering it would check', params: SubjectParams, querystring: VerboseQuery, body: SchemaBody, response: { 200: CompatibilityBody, ...READ_ERRORS } },
  }, async (request) => {
    const { schema, type } = schemaInput(request.body);
    return answer(await registry.compatibilityProblems(request.params.subject, schema, type), request.query.verbose);
  });
};

export default compatibilityRoutes;
