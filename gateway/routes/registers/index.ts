import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { keyFieldOf } from '../../subscriptions/delivered-record.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { ResourceParams } from '../catalog/schemas.ts';
import registerQueries from './queries.ts';
import { RebuildAnswer, RegisterAnswer, UsageAnswer, UsageQuery } from './schemas.ts';

const tags = ['registers'];

/** A resource's register: its state, its rebuild, and who looked an entity up; the query routes of subscriptions. */
const registerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { service } = app.registers;

  async function resourceOf(request: FastifyRequest, id: string) {
    const resource = await app.catalog.repository.get(id);
    if (!resource) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    request.authorize({ departmentCode: resource.providerCode }, 'DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    return resource;
  }

  app.get('/api/v1/catalog/resources/:id/register', {
    config: { action: 'registers:read' },
    schema: {
      tags,
      summary: "The resource's register (enabled: false when it has none): entities held, lag behind the topic, lookups per day; alerts of subscriptions past their hourly limit for the provider and the data office",
      params: ResourceParams,
      response: { 200: RegisterAnswer, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const resource = await resourceOf(request, request.params.id);
    const principal = request.principal as Principal;
    const party = principal.kind === 'office' || (principal.kind === 'department' && principal.departmentCode === resource.providerCode);
    return service.describe(resource, party);
  });

  app.post('/api/v1/catalog/resources/:id/register/rebuild', {
    config: { action: 'registers:rebuild' },
    schema: {
      tags,
      summary: 'Rebuild the register from the start of the topic; lookups answer from the current state until the rebuild has caught up',
      params: ResourceParams,
      response: { 202: RebuildAnswer, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const resource = await resourceOf(request, request.params.id);
    const started = await service.rebuild(request.principal as Principal, resource.id);
    request.log.info({ resource: resource.id, generation: started.generation }, 'register rebuild requested');
    await app.registers.runtime.refresh();
    return reply.status(202).send(started);
  });

  app.get('/api/v1/catalog/resources/:id/register/usage', {
    config: { action: 'registers:usage' },
    schema: {
      tags,
      summary: 'Who looked this entity up, when and why (PIPL art. 44–45): the lookups recorded under its keyed hash, newest first',
      params: ResourceParams,
      querystring: UsageQuery,
      response: { 200: UsageAnswer, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const resource = await resourceOf(request, request.params.id);
    return service.usageOf(request.principal as Principal, resource, keyFieldOf(resource.schemaSubject), request.query.key, request.query.limit);
  });

  await app.register(registerQueries);
};

export default registerRoutes;
