import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FRESHNESS_RULE } from '../../../catalog/freshness.ts';
import { BUCKETS, MAX_POINTS } from '../../../catalog/statistics.ts';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { EMPTY_SUMMARY } from '../../disputes/store.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { LineageBody, ResourceParams, StatisticsBody, ThroughputBody, ThroughputQuery } from './schemas.ts';

const tags = ['catalog'];
const read = { action: 'catalog:read' as const };

/** Live statistics, throughput series and lineage of a resource. */
const catalogInsights: FastifyPluginAsyncTypebox = async (app) => {
  const { statistics, lineage, clock } = app.catalog;

  app.get('/api/v1/catalog/resources/:id/statistics', {
    config: read,
    schema: {
      tags,
      summary: 'Records published (total, last 24 hours) and rejected, last record, schema version, freshness against the update cycle, disputes and answer times',
      params: ResourceParams,
      response: { 200: StatisticsBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const resource = await request.catalogResource(request.params.id);
    const [stats, disputes] = await Promise.all([statistics.forResource(resource), app.disputes.store.summaries(app.catalog.today(), [resource.id])]);
    return { ...stats, freshness: { ...stats.freshness, rule: FRESHNESS_RULE }, disputes: disputes.get(resource.id) ?? EMPTY_SUMMARY };
  });

  app.get('/api/v1/catalog/resources/:id/throughput', {
    config: read,
    schema: {
      tags,
      summary: `Records published and rejected per minute or hour, every bucket present, for charts (at most ${MAX_POINTS} buckets)`,
      params: ResourceParams,
      querystring: ThroughputQuery,
      response: { 200: ThroughputBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const resource = await request.catalogResource(request.params.id);
    const { bucket } = request.query;
    const size = BUCKETS[bucket];
    const to = request.query.to ? new Date(request.query.to) : clock();
    const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 60 * size);
    if (from.getTime() >= to.getTime()) throw dxError('DX_ERR_REQUEST_INVALID', { message: 'from must be before to', details: [{ path: 'from', message: 'must be before to' }] });
    if ((to.getTime() - from.getTime()) / size > MAX_POINTS) {
      throw dxError('DX_ERR_REQUEST_INVALID', { message: `at most ${MAX_POINTS} ${bucket} buckets`, details: [{ path: 'from', message: `spans more than ${MAX_POINTS} ${bucket} buckets` }] });
    }
    return statistics.throughput(resource, { bucket, from, to });
  });

  app.get('/api/v1/catalog/resources/:id/lineage', {
    config: read,
    schema: {
      tags,
      summary: "Source systems → connectors → topic → subscriptions; source addresses only for the data office and the connector's department",
      params: ResourceParams,
      response: { 200: LineageBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => lineage.forResource(await request.catalogResource(request.params.id), request.principal as Principal));
};

export default catalogInsights;
