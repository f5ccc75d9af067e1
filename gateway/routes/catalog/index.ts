import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CreateResourceBody, ResourceBody, UpdateResourceBody, type Actor, type CreateResource, type Resource } from '../../../catalog/model.ts';
import { checkResource, toDocument } from '../../../catalog/validate.ts';
import { VOCABULARY } from '../../../catalog/vocabulary.ts';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { reservedTopicReason } from '../../security/reserved-topics.ts';
import { refuse } from '../refuse.ts';
import { AUTHENTICATED_ERRORS, ErrorBody, Pagination } from '../schemas.ts';
import catalogExports from './exports.ts';
import catalogInsights from './insights.ts';
import catalogPublishers from './publishers.ts';
import { indexQuery } from './query.ts';
import { HarvestedDetailBody, HistoryBody, ResourceDetailBody, ResourceParams, SearchBody, SearchQuery } from './schemas.ts';
import { facetsWithLabels, summaryOf } from './present.ts';
import { presentHarvested } from '../federation/harvested.ts';
import { harvestedMatching, mergePage, originFacet, originsOf } from './with-harvested.ts';
import { FACETS } from '../../../catalog/search-index.ts';

const tags = ['catalog'];

const actorOf = (principal: Principal): Actor => ({ id: principal.id, kind: principal.kind, name: principal.name });

const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { repository, search, checks } = app.catalog;
  const service = app.services.catalog;

  /** The provider of a new or changed resource, and the rules on who may name it. */
  function providerFor(principal: Principal, body: CreateResource, existing?: Resource): { code: string; name: string } {
    if (principal.kind === 'department') {
      const own = principal.departmentCode as string;
      if (body.providerCode !== undefined && body.providerCode !== own) throw dxError('DX_ERR_AUTH_FORBIDDEN', { message: 'A department catalogues resources only as their provider' });
      if (existing === undefined && body.kind !== 'department') throw dxError('DX_ERR_AUTH_FORBIDDEN', { message: 'A department creates department resources only; base and theme resources are catalogued by the data office' });
      if (existing !== undefined && body.kind !== existing.kind) throw dxError('DX_ERR_AUTH_FORBIDDEN', { message: "Only the data office changes a resource's catalogue kind" });
      return { code: own, name: body.providerName ?? existing?.providerName ?? principal.name };
    }
    const code = body.providerCode ?? existing?.providerCode;
    const name = body.providerName ?? existing?.providerName;
    refuse([
      ...(code === undefined ? [{ path: 'providerCode', message: 'is required when the data office catalogues a resource' }] : []),
      ...(name === undefined ? [{ path: 'providerName', message: 'is required when the data office catalogues a resource' }] : []),
    ]);
    return { code: code as string, name: name as string };
  }

  /**
   * The topic of a new or changed resource. Only the data office assigns topics: a topic decides which department's
   * connectors feed the resource (一数一源), so a department cannot claim another's topic through its own resource.
   */
  function topicFor(principal: Principal, body: CreateResource, existing?: Resource): string | null {
    if (principal.kind === 'department') {
      const kept = existing?.topic ?? null;
      if (body.topic !== undefined && body.topic !== kept) {
        throw dxError('DX_ERR_AUTH_FORBIDDEN', { message: "Only the data office assigns a resource's topic", details: [{ path: 'topic', message: 'is assigned by the data office' }] });
      }
      return kept;
    }
    const topic = body.topic ?? null;
    const reserved = topic === null ? undefined : reservedTopicReason(topic);
    if (reserved !== undefined) refuse([{ path: 'topic', message: `is reserved: ${reserved}` }]);
    return topic;
  }

  app.decorateRequest('catalogResource', async function (this: FastifyRequest, id: string): Promise<Resource> {
    const resource = await repository.get(id);
    if (!resource) {
      const harvested = this.method === 'GET' ? undefined : await app.federation.harvested.get(id);
      if (harvested) {
        throw dxError('DX_ERR_FEDERATION_READ_ONLY', {
          message: `Resource ${harvested.code} is harvested from ${harvested.origin.name} (${harvested.origin.instanceId}) and read-only here; its original is ${harvested.originalUrl}`,
          details: [{ path: 'id', message: 'is a harvested resource' }],
        });
      }
      throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    }
    this.authorize({ departmentCode: resource.providerCode }, 'DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    return resource;
  });

  app.get('/api/v1/catalog/resources', {
    config: { action: 'catalog:read' },
    schema: {
      tags,
      summary: 'Search the catalogue: Chinese substring search, facets with counts over the filtered result, stable paging',
      querystring: SearchQuery,
      response: { 200: SearchBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const { sort, order, limit, offset, origin, ...filters } = request.query;
    const query = indexQuery(filters, { sort, order, limit, offset });
    const sources = originsOf(query, origin);
    const harvested = sources.harvested ? harvestedMatching(await app.federation.harvested.all(sources.peers), query) : [];
    // With harvested resources both lists are read from their start to the end of the page, and the page is cut
    // from them merged; without, the index answers the page itself.
    const merging = harvested.length > 0;
    const result = sources.local ? await search.search(merging ? { ...query, offset: 0, limit: offset + limit } : query) : undefined;
    const local = result ? result.hits.map((hit) => ({ ...summaryOf(hit, result.lastRecords), origin: null, readOnly: false })) : [];
    const localTotal = result?.total ?? 0;
    return {
      total: localTotal + harvested.length,
      limit,
      offset,
      sort: query.sort,
      order: query.order,
      items: merging ? mergePage(local, harvested, query) : local,
      facets: { ...(result ? facetsWithLabels(result.facets) : facetsWithLabels(Object.fromEntries(FACETS.map((facet) => [facet, []])) as unknown as Parameters<typeof facetsWithLabels>[0])), origin: originFacet(localTotal, harvested) },
    };
  });

  app.get('/api/v1/catalog/vocabulary', {
    config: { action: 'catalog:read' },
    schema: { tags, summary: 'Values of every catalogue enumeration with Chinese and English labels', response: { 200: Type.Unknown(), ...AUTHENTICATED_ERRORS } },
  }, async () => VOCABULARY);

  app.post('/api/v1/catalog/resources', {
    config: { action: 'catalog:create' },
    schema: { tags, summary: 'Catalogue a resource (the data office; a department for itself, department resources only)', body: CreateResourceBody, response: { 201: ResourceBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const principal = request.principal as Principal;
    const document = toDocument({ ...request.body, topic: topicFor(principal, request.body) }, providerFor(principal, request.body), app.catalog.today());
    refuse(await checkResource(document, checks));
    const resource = await service.create(document, actorOf(principal));
    request.log.info({ resourceId: resource.id, code: resource.code }, 'catalogue resource created');
    return reply.status(201).send(resource);
  });

  app.get('/api/v1/catalog/resources/:id', {
    config: { action: 'catalog:read' },
    schema: {
      tags,
      summary: 'A resource with its items and the connectors feeding it; a harvested one read-only, with its origin and where to request it',
      params: ResourceParams,
      response: { 200: Type.Union([ResourceDetailBody, HarvestedDetailBody]), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const harvested = await app.federation.harvested.get(request.params.id);
    if (harvested) return { ...presentHarvested(harvested), request: { method: 'POST' as const, href: '/api/v1/federation/requests' as const, harvestedId: harvested.id } };
    const resource = await request.catalogResource(request.params.id);
    const lineage = await app.catalog.lineage.forResource(resource, request.principal as Principal);
    return { ...resource, origin: null, readOnly: false as const, connectors: lineage.connectors.map(({ connectorId, name, departmentCode, type, state }) => ({ id: connectorId, name, departmentCode, type, state })) };
  });

  app.put('/api/v1/catalog/resources/:id', {
    config: { action: 'catalog:update' },
    schema: {
      tags,
      summary: 'Change a resource (the data office, or its provider department); every change is a new version',
      params: ResourceParams,
      body: UpdateResourceBody,
      response: { 200: ResourceBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const existing = await request.catalogResource(request.params.id);
    const principal = request.principal as Principal;
    const { version, ...body } = request.body;
    const document = toDocument(
      { ...body, publishDate: body.publishDate ?? existing.publishDate, topic: topicFor(principal, body, existing) },
      providerFor(principal, body, existing),
      app.catalog.today(),
    );
    refuse(await checkResource(document, checks));
    const result = await service.update(existing.id, document, actorOf(principal), version);
    if (!result) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    if (result.changedFields.length > 0) request.log.info({ resourceId: existing.id, version: result.resource.version, changed: result.changedFields }, 'catalogue resource updated');
    return result.resource;
  });

  app.route({
    method: ['PATCH', 'DELETE'],
    url: '/api/v1/catalog/resources/:id',
    config: { action: 'catalog:update' },
    schema: { tags, summary: 'Refused: a harvested resource is read-only here (409); a local one is changed with PUT and never deleted (405)', params: ResourceParams, response: { 405: ErrorBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
    handler: async (request) => {
      await request.catalogResource(request.params.id);
      throw dxError('DX_ERR_CATALOG_METHOD_NOT_ALLOWED', { details: [{ path: 'method', message: `${request.method} is not allowed on a catalogue resource; use PUT` }] });
    },
  });

  app.get('/api/v1/catalog/resources/:id/history', {
    config: { action: 'catalog:history' },
    schema: { tags, summary: 'Every version of a resource, newest first, with who made it', params: ResourceParams, querystring: Type.Composite([Pagination], { additionalProperties: false }), response: { 200: HistoryBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const resource = await request.catalogResource(request.params.id);
    const { limit, offset } = request.query;
    const page = await repository.history(resource.id, { limit, offset });
    return { ...page, limit, offset };
  });

  await app.register(catalogPublishers);
  await app.register(catalogInsights);
  await app.register(catalogExports);
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalogue resource with this id if the caller may act on it under the route's action; 404 otherwise. */
    catalogResource(id: string): Promise<Resource>;
  }
}

export default catalogRoutes;
