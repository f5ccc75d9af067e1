import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { createExportCache } from '../../../catalog/export/cache.ts';
import { toDcat } from '../../../catalog/export/dcat.ts';
import { toWorkbook } from '../../../catalog/export/xlsx.ts';
import type { Resource } from '../../../catalog/model.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { indexQuery } from './query.ts';
import { FilterQuery, type Filters } from './schemas.ts';

const tags = ['catalog'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const hasFilters = (filters: Filters) => Object.values(filters).some((value) => value !== undefined && (!Array.isArray(value) || value.length > 0));

/** The catalogue, or the resources matching the search filters, as DCAT-AP JSON-LD and as a spreadsheet; by code. */
const catalogExports: FastifyPluginAsyncTypebox = async (app) => {
  const { repository, search } = app.catalog;

  async function selected(filters: Filters): Promise<Resource[]> {
    if (!hasFilters(filters)) return repository.list();
    const result = await search.search(indexQuery(filters, { sort: 'name', limit: Number.MAX_SAFE_INTEGER, offset: 0 }), { cache: false });
    const resources = await repository.list(result.hits.map((hit) => hit.resource.id));
    return resources.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  const cache = createExportCache<string | Buffer>(async () => {
    const { rows } = await app.db.query<{ revision: string }>('SELECT revision::text AS revision FROM catalog_state');
    return (rows[0] as { revision: string }).revision;
  });
  /** Freshness changes with the clock, not the revision: an export filtered by it is built every time. */
  const cached = (key: unknown[], filters: Filters, build: () => Promise<string | Buffer>) =>
    filters.freshness !== undefined && filters.freshness.length > 0 ? build() : cache.get(JSON.stringify(key), build);

  app.get('/api/v1/catalog/export.jsonld', {
    config: { action: 'catalog:export' },
    schema: {
      tags,
      summary: 'The catalogue as DCAT-AP JSON-LD: a dcat:Catalog with a dcat:Dataset and dcat:Distribution per resource',
      querystring: FilterQuery,
      produces: ['application/ld+json'],
      response: { 200: Type.Unknown({ description: 'JSON-LD document (@context, @graph)' }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const base = baseUrl(request);
    const document = await cached(['jsonld', base, request.query], request.query, async () => {
      const resources = await selected(request.query);
      const modified = resources.reduce((latest, resource) => Math.max(latest, Date.parse(resource.updatedAt)), 0);
      return JSON.stringify(toDcat(resources, { ...app.catalog.describe, baseUrl: base, modified: new Date(modified || app.catalog.clock().getTime()) }));
    });
    return reply.type('application/ld+json; charset=utf-8').send(document);
  });

  app.get('/api/v1/catalog/export.xlsx', {
    config: { action: 'catalog:export' },
    schema: {
      tags,
      summary: 'The catalogue as a spreadsheet in the national column layout: sheet 资源目录 one row per resource, sheet 信息项 one row per item, sheet 数据异议 the dispute counts and answer times per resource',
      querystring: FilterQuery,
      produces: [XLSX_TYPE],
      response: { 200: Type.Unknown({ description: '.xlsx workbook' }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    // Dispute counts change without a catalogue revision, and overdue ones with the date.
    const today = app.catalog.today();
    const disputes = await app.disputes.store.revision();
    const workbook = await cached(['xlsx', request.query, disputes, today], request.query, async () => {
      const resources = await selected(request.query);
      return toWorkbook(resources, await app.disputes.store.summaries(today, resources.map((resource) => resource.id)));
    });
    return reply
      .type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="catalog-${app.catalog.today()}.xlsx"`)
      .send(workbook);
  });
};

export default catalogExports;
