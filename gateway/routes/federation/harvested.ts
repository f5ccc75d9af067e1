import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import { AUTHENTICATED_ERRORS, ErrorBody, Pagination, Uuid } from '../schemas.ts';
import { InstanceId, tags } from './schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const HarvestedBody = Type.Object({
  id: Uuid,
  origin: Type.Object({ peerId: Uuid, instanceId: Type.String(), name: Type.String({ description: 'The origin platform (来源平台)' }), originalUrl: Type.String() }),
  badge: Type.String({ description: 'What the UI shows beside the name: 来源：<origin>' }),
  readOnly: Type.Literal(true),
  originalUrl: Type.String({ description: "The dataset's IRI at its origin gateway" }),
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  publisher: Type.String(),
  keywords: Type.Array(Type.String()),
  accessRights: Nullable(Type.String()),
  fields: Type.Array(Type.Object({ field: Type.String(), name: Type.String(), masking: Nullable(Type.String()) })),
  modified: Type.String({ format: 'date-time' }),
  harvestedAt: Type.String({ format: 'date-time' }),
});

const HarvestedParams = Type.Object({ id: Uuid });

/** A harvested resource as answered: with the badge the UI shows (来源：<origin>), read-only. */
export const presentHarvested = <T extends { origin: { name: string } }>(resource: T) => ({ ...resource, badge: `来源：${resource.origin.name}`, readOnly: true as const });

/** Resources harvested from peers: searched with the origin facet (来源平台), shown with a badge, never written here. */
const harvestedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = app.federation.harvested;

  async function harvested(id: string) {
    const resource = await store.get(id);
    if (!resource) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    return resource;
  }

  app.get('/api/v1/federation/resources', {
    config: { action: 'federation:catalog:read' },
    schema: {
      tags,
      summary: 'Search the resources harvested from peer gateways; facet origin (来源平台)',
      querystring: Type.Intersect([Pagination, Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), origin: Type.Optional(InstanceId) })]),
      response: {
        200: Type.Object({ items: Type.Array(HarvestedBody), total: Type.Integer(), facets: Type.Object({ origin: Type.Array(Type.Object({ instanceId: Type.String(), name: Type.String(), count: Type.Integer() })) }) }),
        ...AUTHENTICATED_ERRORS,
      },
    },
  }, async (request) => {
    const page = await store.search(request.query);
    return { ...page, items: page.items.map(presentHarvested) };
  });

  app.get('/api/v1/federation/resources/:id', {
    config: { action: 'federation:catalog:read' },
    schema: { tags, summary: 'A harvested resource with its origin and requestable fields', params: HarvestedParams, response: { 200: HarvestedBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => presentHarvested(await harvested(request.params.id)));

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/api/v1/federation/resources/:id',
      config: { action: 'federation:catalog:read' },
      schema: { tags, summary: 'Refused: a harvested resource is read-only here (409); its owner changes it at its origin', params: HarvestedParams, response: { 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
      handler: async (request) => {
        const resource = await harvested(request.params.id);
        throw dxError('DX_ERR_FEDERATION_READ_ONLY', { message: `Resource ${resource.code} is harvested from ${resource.origin.name} (${resource.origin.instanceId}) and read-only here; its original is ${resource.originalUrl}`, details: [{ path: 'id', message: 'is a harvested resource' }] });
      },
    });
  }
};

export default harvestedRoutes;
