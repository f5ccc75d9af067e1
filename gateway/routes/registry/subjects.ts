import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { parseVersionId } from '../../../schemas/registry/index.ts';
import {
  DeletedQuery,
  IdBody,
  PermanentQuery,
  RawSchema,
  READ_ERRORS,
  REGISTER_ERRORS,
  SchemaBody,
  SubjectParams,
  SubjectVersionParams,
  VersionBody,
  versionBody,
} from './bodies.ts';
import { schemaInput } from './schema-input.ts';

const tags = ['schema registry'];

const subjectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const registry = app.schemaRegistry;
  const service = app.services.registry;

  app.get('/subjects', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'List subjects', querystring: DeletedQuery, response: { 200: Type.Array(Type.String()), ...READ_ERRORS } },
  }, async (request) => registry.subjects({ deleted: request.query.deleted }));

  app.get('/subjects/:subject/versions', {
    config: { action: 'registry:read' },
    schema: { tags, summary: "List a subject's versions", params: SubjectParams, querystring: DeletedQuery, response: { 200: Type.Array(Type.Integer()), ...READ_ERRORS } },
  }, async (request) => registry.versions(request.params.subject, { deleted: request.query.deleted }));

  app.post('/subjects/:subject/versions', {
    config: { action: 'registry:write' },
    schema: { tags, summary: 'Register a schema under a subject (data office)', params: SubjectParams, body: SchemaBody, response: { 200: IdBody, ...REGISTER_ERRORS } },
  }, async (request) => {
    const { schema, type } = schemaInput(request.body);
    const registration = await service.register(request.params.subject, schema, type, request.principal);
    if (registration.created) request.log.info({ subject: request.params.subject, ...registration }, 'schema registered');
    return { id: registration.id };
  });

  app.get('/subjects/:subject/versions/:version', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Get a version of a subject', params: SubjectVersionParams, querystring: DeletedQuery, response: { 200: VersionBody, ...READ_ERRORS } },
  }, async (request) => versionBody(await registry.getVersion(request.params.subject, parseVersionId(request.params.version), { deleted: request.query.deleted })));

  app.get('/subjects/:subject/versions/:version/schema', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Get the schema of a version, unwrapped', params: SubjectVersionParams, querystring: DeletedQuery, response: { 200: RawSchema, ...READ_ERRORS } },
  }, async (request) => {
    const version = await registry.getVersion(request.params.subject, parseVersionId(request.params.version), { deleted: request.query.deleted });
    return JSON.parse(version.schema) as unknown;
  });

  app.get('/subjects/:subject/versions/:version/referencedby', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Schema ids referencing this version: always empty, references are not supported', params: SubjectVersionParams, response: { 200: Type.Array(Type.Integer()), ...READ_ERRORS } },
  }, async (request) => {
    await registry.getVersion(request.params.subject, parseVersionId(request.params.version));
    return [];
  });

  app.post('/subjects/:subject', {
    config: { action: 'registry:read' },
    schema: { tags, summary: 'Find the version of a subject holding a schema', params: SubjectParams, querystring: DeletedQuery, body: SchemaBody, response: { 200: VersionBody, ...READ_ERRORS } },
  }, async (request) => {
    const { schema, type } = schemaInput(request.body);
    return versionBody(await registry.lookup(request.params.subject, schema, type, { deleted: request.query.deleted }));
  });

  app.delete('/subjects/:subject/versions/:version', {
    config: { action: 'registry:write' },
    schema: { tags, summary: 'Soft-delete a version, or remove a soft-deleted one with permanent=true (data office)', params: SubjectVersionParams, querystring: PermanentQuery, response: { 200: Type.Integer(), ...READ_ERRORS } },
  }, async (request) => {
    const { subject } = request.params;
    const version = await service.deleteVersion(subject, parseVersionId(request.params.version), request.query.permanent, request.principal);
    request.log.info({ subject, version, permanent: request.query.permanent }, 'schema version deleted');
    return version;
  });

  app.delete('/subjects/:subject', {
    config: { action: 'registry:write' },
    schema: { tags, summary: 'Soft-delete a subject, or remove a soft-deleted one with permanent=true (data office)', params: SubjectParams, querystring: PermanentQuery, response: { 200: Type.Array(Type.Integer()), ...READ_ERRORS } },
  }, async (request) => {
    const { subject } = request.params;
    const versions = await service.deleteSubject(subject, request.query.permanent, request.principal);
    request.log.info({ subject, versions, permanent: request.query.permanent }, 'subject deleted');
    return versions;
  });
};

export default subjectRoutes;
