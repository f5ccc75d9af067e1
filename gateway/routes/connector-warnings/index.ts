import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import { createWarningStore } from '../../quality/warning-store.ts';
import { AUTHENTICATED_ERRORS, Uuid } from '../schemas.ts';

const Warning = Type.Object({ path: Type.String(), rule: Type.String(), message: Type.String() });

const WarningsBody = Type.Object({
  total: Type.Integer({ description: 'Published records with warnings since the connector was created (its status counts them too)' }),
  byRule: Type.Record(Type.String(), Type.Integer(), { description: 'Warnings per rule among those kept' }),
  items: Type.Array(Type.Object({
    id: Type.Integer(),
    runId: Type.Union([Type.Integer(), Type.Null()]),
    partition: Type.String(),
    offset: Type.Unknown({ description: 'The source position of the record' }),
    warnings: Type.Array(Warning),
    createdAt: Type.String({ format: 'date-time' }),
  })),
});

/** The data-quality warnings of a connector's published records: soft rules broken, the records published all the same. */
const connectorWarningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const warnings = createWarningStore(app.db);
  const { store } = app.pipeline;

  app.get('/api/v1/connectors/:id/warnings', {
    config: { action: 'connectors:operate' },
    schema: {
      tags: ['connectors'],
      summary: 'Published records with data-quality warnings (soft rules such as the credit code against organisation_code), oldest first',
      params: Type.Object({ id: Uuid }),
      querystring: Type.Object({
        after: Type.Integer({ minimum: 0, default: 0, description: 'The id of the last warning of the previous page' }),
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
      }, { additionalProperties: false }),
      response: { 200: WarningsBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const connector = await store.get(request.params.id);
    if (!connector) throw dxError('DX_ERR_CONNECTOR_NOT_FOUND');
    request.authorize({ departmentCode: connector.departmentCode }, 'DX_ERR_CONNECTOR_NOT_FOUND');
    const [items, byRule, totals] = await Promise.all([
      warnings.list(connector.id, { afterId: request.query.after, limit: request.query.limit }),
      warnings.countsByRule(connector.id),
      store.totals(connector.id),
    ]);
    return { total: totals?.warned ?? 0, byRule, items };
  });
};

export default connectorWarningRoutes;
