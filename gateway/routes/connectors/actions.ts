import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import type { Connector } from '../../pipeline/connector-store.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { createConnectorPresenter } from './present.ts';
import { ConnectorBody, ConnectorParams, RejectedBody, StatusBody, TestBody } from './schemas.ts';

const tags = ['connectors'];
const operate = { action: 'connectors:operate' as const };

function requirePull(connector: Connector): void {
  if (connector.kind !== 'pull') throw dxError('DX_ERR_CONNECTOR_STATE', { message: `${connector.type} is a push connector; it has no runs` });
}

const connectorActions: FastifyPluginAsyncTypebox = async (app) => {
  const { store, scheduler, types, topics } = app.pipeline;
  const service = app.services.connectors;
  const present = createConnectorPresenter(types, topics);

  for (const [verb, state] of [['pause', 'paused'], ['resume', 'active']] as const) {
    app.post(`/api/v1/connectors/:id/${verb}`, {
      config: operate,
      schema: { tags, summary: verb === 'pause' ? 'Pause: no new runs; a running one stops after its current batch' : 'Resume scheduled runs', params: ConnectorParams, response: { 200: ConnectorBody, ...AUTHENTICATED_ERRORS } },
    }, async (request) => {
      const connector = await request.ownedConnector(request.params.id);
      const updated = await service.setState(connector, state, request.principal);
      if (!updated) throw dxError('DX_ERR_CONNECTOR_NOT_FOUND');
      request.log.info({ connectorId: connector.id, state }, 'connector state changed');
      return present.one(updated);
    });
  }

  app.post('/api/v1/connectors/:id/run', {
    config: operate,
    schema: { tags, summary: 'Run now, on whichever instance holds the connector', params: ConnectorParams, response: { 202: Type.Object({ requested: Type.Boolean() }), 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const connector = await request.ownedConnector(request.params.id);
    requirePull(connector);
    if (connector.state !== 'active') throw dxError('DX_ERR_CONNECTOR_STATE', { message: 'The connector is paused; resume it first' });
    await service.requestRun(connector, request.principal);
    return reply.status(202).send({ requested: true });
  });

  app.post('/api/v1/connectors/:id/test', {
    config: operate,
    schema: {
      tags,
      summary: 'Check connectivity and map and validate the first records, publishing nothing',
      params: ConnectorParams,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }) }, { additionalProperties: false }),
      response: { 200: TestBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const connector = await request.ownedConnector(request.params.id);
    requirePull(connector);
    return service.test(connector, request.query.limit, request.principal);
  });

  app.get('/api/v1/connectors/:id/status', {
    config: operate,
    schema: { tags, summary: 'State, runs, counts and committed offsets', params: ConnectorParams, response: { 200: StatusBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const connector = await request.ownedConnector(request.params.id);
    const [runs, totals, offsets, presented] = await Promise.all([store.runs(connector.id, 10), store.totals(connector.id), store.offsets(connector.id), present.one(connector)]);
    return {
      state: connector.state,
      problems: presented.problems,
      running: runs[0]?.status === 'running',
      lastRun: runs[0] ?? null,
      recentRuns: runs,
      totals: totals ?? { read: 0, published: 0, rejected: 0, warned: 0, lastPublishedAt: null, lastError: null, lastErrorAt: null },
      offsets: Object.fromEntries(offsets),
    };
  });

  app.post('/api/v1/connectors/:id/offsets/reset', {
    config: operate,
    schema: { tags, summary: 'Forget the committed offsets (paused connectors only): the next run reads from the start', params: ConnectorParams, response: { 200: Type.Object({ cleared: Type.Integer() }), 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const connector = await request.ownedConnector(request.params.id);
    if (connector.state !== 'paused' || scheduler.isRunning(connector.id)) throw dxError('DX_ERR_CONNECTOR_STATE', { message: 'Pause the connector and let its run finish before resetting offsets' });
    const cleared = await service.resetOffsets(connector, request.principal);
    request.log.info({ connectorId: connector.id, cleared }, 'connector offsets reset');
    return { cleared };
  });

  app.get('/api/v1/connectors/:id/rejected', {
    config: operate,
    schema: {
      tags,
      summary: 'Rejected records with their reasons (quarantine)',
      params: ConnectorParams,
      querystring: Type.Object(
        { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), after: Type.Integer({ minimum: 0, default: 0, description: 'Id of the last record of the previous page' }), status: Type.Union([Type.Literal('open'), Type.Literal('replayed'), Type.Literal('all')], { default: 'open' }) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(RejectedBody) }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const connector = await request.ownedConnector(request.params.id);
    return { items: await service.rejected(connector, { limit: request.query.limit, afterId: request.query.after, status: request.query.status }, request.principal) };
  });

  app.post('/api/v1/connectors/:id/rejected/replay', {
    config: operate,
    schema: {
      tags,
      summary: 'Publish open rejected records again through the current mapping; those still bad are quarantined again',
      params: ConnectorParams,
      body: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ replayed: Type.Integer(), published: Type.Integer(), rejected: Type.Integer() }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const connector = await request.ownedConnector(request.params.id);
    const result = await service.replay(connector, request.body?.limit ?? 1000, request.principal);
    if (result.replayed > 0) request.log.info({ connectorId: connector.id, replayed: result.replayed, published: result.published }, 'rejected records replayed');
    return result;
  });
};

export default connectorActions;
