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
  const { store, runtime, scheduler, types, topics } = app.pipeline;
  const present = createConnectorPresenter(types, topics);

  for (const [verb, state] of [['pause', 'paused'], ['resume', 'active']] as const) {
    app.post(`/api/v1/connectors/:id/${verb}`, {
      config: operate,
      schema: { tags, summary: verb === 'pause' ? 'Pause: no new runs; a running one stops after its current batch' : 'Resume scheduled runs', params: ConnectorParams, response: { 200: ConnectorBody, ...AUTHENTICATED_ERRORS } },
    }, async (request) => {
      const connector = await request.ownedConnector(request.params.id);
      const updated = await store.setState(connector.id, state);
      request.log.info({ connectorId: connector.id, state }, 'connector state changed');
      await app.audit.record({ principal: request.principal, action: `connector.${verb}`, object: { type: 'connector', id: connector.id } });
      await scheduler.refresh();
      return present.one(updated as Connector);
    });
  }

  app.post('/api/v1/connectors/:id/run', {
    config: operate,
    schema: { tags, summary: 'Run now, on whichever instance holds the connector', params: ConnectorParams, response: { 202: Type.Object({ requested: Type.Boolean() }), 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const connector = await request.ownedConnector(request.params.id);
    requirePull(connector);
    if (connector.state !== 'active') throw dxError('DX_ERR_CONNECTOR_STATE', { message: 'The connector is paused; resume it first' });
    await store.requestRun(connector.id);
    await app.audit.record({ principal: request.principal, action: 'connector.run', object: { type: 'connector', id: connector.id } });
    await scheduler.refresh();
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
    const result = await runtime.test(connector, request.query.limit);
    // Raw source rows: audited before they are answered, and not answered when the entry cannot be written.
    await app.audit.record({ principal: request.principal, action: 'connector.test', object: { type: 'connector', id: connector.id }, details: { limit: request.query.limit, check: result.check.ok, records: result.records.length } });
    return result;
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
    const cleared = await store.resetOffsets(connector.id);
    request.log.info({ connectorId: connector.id, cleared }, 'connector offsets reset');
    await app.audit.record({ principal: request.principal, action: 'connector.offsets.reset', object: { type: 'connector', id: connector.id }, details: { cleared } });
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
    const items = await store.rejectedRecords(connector.id, { limit: request.query.limit, afterId: request.query.after, status: request.query.status });
    await app.audit.record({ principal: request.principal, action: 'connector.rejected.read', object: { type: 'connector', id: connector.id }, details: { status: request.query.status, after: request.query.after, records: items.length, ids: items.map((item) => item.id) } });
    return { items };
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
    const open = await store.rejectedRecords(connector.id, { limit: request.body?.limit ?? 1000, afterId: 0, status: 'open' });
    if (open.length === 0) return { replayed: 0, published: 0, rejected: 0 };
    // Before the raw records go back onto the data path: nothing is replayed that the log does not show.
    await app.audit.record({ principal: request.principal, action: 'connector.rejected.replay', object: { type: 'connector', id: connector.id }, details: { replayed: open.length, ids: open.map((record) => record.id) } });
    const result = await runtime.replay(connector, open);
    request.log.info({ connectorId: connector.id, replayed: open.length, published: result.published }, 'rejected records replayed');
    return { replayed: open.length, published: result.published, rejected: result.rejected.length };
  });
};

export default connectorActions;
