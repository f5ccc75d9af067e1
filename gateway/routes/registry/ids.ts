import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SCHEMA_TYPES, registryError, type RegistrySchema } from '../../../schemas/registry/index.ts';
import { DeletedQuery, IdParams, RawSchema, READ_ERRORS, SchemaByIdBody } from './bodies.ts';

const tags = ['schema registry'];

const idRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const registry = app.schemaRegistry;

  async function existing(id: number): Promise<RegistrySchema> {
    const schema = await registry.getById(id);
    if (!schema) throw registryError('DX_ERR_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${id} not found`);
    return schema;
  }

  app.get('/schemas/ids/:id', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Get a schema by its global id', params: IdParams, response: { 200: SchemaByIdBody, ...READ_ERRORS } },
  }, async (request) => {
    const { schema, type } = await existing(request.params.id);
    return { schema, ...(type === 'AVRO' ? {} : { schemaType: type }) };
  });

  app.get('/schemas/ids/:id/schema', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Get a schema by its global id, unwrapped', params: IdParams, response: { 200: RawSchema, ...READ_ERRORS } },
  }, async (request) => JSON.parse((await existing(request.params.id)).schema) as unknown);

  app.get('/schemas/ids/:id/versions', {
    config: { action: 'registry:read' },
    schema: {
      tags,
      summary: 'The subject versions using a schema id',
      params: IdParams,
      querystring: DeletedQuery,
      response: { 200: Type.Array(Type.Object({ subject: Type.String(), version: Type.Integer() })), ...READ_ERRORS },
    },
  }, async (request) => registry.usesOf(request.params.id, { deleted: request.query.deleted }));

  app.get('/schemas/ids/:id/subjects', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'The subjects using a schema id', params: IdParams, querystring: DeletedQuery, response: { 200: Type.Array(Type.String()), ...READ_ERRORS } },
  }, async (request) => [...new Set((await registry.usesOf(request.params.id, { deleted: request.query.deleted })).map((use) => use.subject))]);

  app.get('/schemas/types', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'The schema types this registry holds', response: { 200: Type.Array(Type.String()), ...READ_ERRORS } },
  }, async () => [...SCHEMA_TYPES]);
};

export default idRoutes;
