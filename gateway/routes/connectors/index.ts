import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import type { Connector } from '../../pipeline/connector-store.ts';
import { validateConnector } from '../../pipeline/validate-connector.ts';
import { refuse } from '../refuse.ts';
import { AUTHENTICATED_ERRORS, ErrorBody, Pagination } from '../schemas.ts';
import connectorActions from './actions.ts';
import { createConnectorPresenter } from './present.ts';
import { ConnectorBody, ConnectorParams, CreateConnectorBody, UpdateConnectorBody } from './schemas.ts';

const tags = ['connectors'];

const connectorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, types, topics } = app.pipeline;
  const service = app.services.connectors;
  const present = createConnectorPresenter(types, topics);

  app.decorateRequest('ownedConnector', async function (this: FastifyRequest, id: string): Promise<Connector> {
    const connector = await store.get(id);
    if (!connector) throw dxError('DX_ERR_CONNECTOR_NOT_FOUND');
    this.authorize({ departmentCode: connector.departmentCode }, 'DX_ERR_CONNECTOR_NOT_FOUND');
    return connector;
  });

  app.get('/api/v1/connector-types', {
    config: { action: 'connector-types:read' },
    schema: {
      tags,
      summary: 'Connector types with their config schema and examples',
      response: {
        200: Type.Object({
          items: Type.Array(
            Type.Object({ type: Type.String(), kind: Type.String(), summary: Type.String(), description: Type.String(), configSchema: Type.Unknown(), examples: Type.Array(Type.Unknown()) }),
          ),
        }),
        ...AUTHENTICATED_ERRORS,
      },
    },
  }, async () => ({
    items: types.list().map(({ type, kind, summary, description, configSchema, examples }) => ({ type, kind, summary, description, configSchema, examples })),
  }));

  app.post('/api/v1/connectors', {
    config: { action: 'connectors:create' },
    schema: { tags, summary: 'Register a connector; every problem of the config and mapping is named', body: CreateConnectorBody, response: { 201: ConnectorBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const body = request.body;
    const principal = request.principal!;
    const departmentCode = principal.kind === 'department' ? principal.departmentCode! : body.departmentCode;
    if (departmentCode === undefined) refuse([{ path: 'departmentCode', message: 'is required when the data office registers a connector' }]);
    if (principal.kind === 'department' && body.departmentCode !== undefined && body.departmentCode !== principal.departmentCode) {
      throw dxError('DX_ERR_AUTH_FORBIDDEN', { message: 'A department registers connectors only for itself' });
    }
    refuse(await validateConnector(types, { type: body.type, schemaName: body.schema, schedule: body.schedule, config: body.config, mapping: body.mapping, options: body.options }, { root: app.pipeline.dropRoot, departmentCode: departmentCode as string }));
    const topic = body.topic ?? `dx.${body.schema}`;
    const topicProblem = await topics.problem(departmentCode as string, topic);
    if (topicProblem !== undefined) throw dxError('DX_ERR_CONNECTOR_TOPIC_REFUSED', { message: topicProblem.message, details: [{ path: 'topic', message: topicProblem.message }] });
    const connector = await service.create(
      {
        name: body.name,
        departmentCode: departmentCode as string,
        type: body.type,
        kind: types.get(body.type)!.kind,
        schemaName: body.schema,
        topic,
        deadLetterTopic: `${topic}.dlq`,
        config: body.config,
        mapping: body.mapping,
        schedule: body.schedule ?? null,
        options: body.options ?? {},
      },
      principal,
    );
    request.log.info({ connectorId: connector.id, type: connector.type }, 'connector registered');
    return reply.status(201).send(await present.one(connector));
  });

  app.get('/api/v1/connectors', {
    config: { action: 'connectors:list' },
    schema: {
      tags,
      summary: "List connectors: a department sees its own, the data office all",
      querystring: Type.Composite(
        [
          Pagination,
          Type.Object({
            departmentCode: Type.Optional(Type.String()),
            problem: Type.Optional(Type.Literal('topic', { description: 'Only connectors publishing onto a topic no catalogue resource gives their department (一数一源)' })),
          }),
        ],
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(ConnectorBody), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const principal = request.principal!;
    const { limit, offset } = request.query;
    const departmentCode = principal.kind === 'office' ? request.query.departmentCode : (principal.departmentCode as string);
    const page = await store.list({ departmentCode, topicNotOwned: request.query.problem === 'topic', limit, offset });
    return { items: await present.many(page.items), total: page.total, limit, offset };
  });

  app.get('/api/v1/connectors/:id', {
    config: { action: 'connectors:read' },
    schema: { tags, summary: 'Get a connector', params: ConnectorParams, response: { 200: ConnectorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => present.one(await request.ownedConnector(request.params.id)));

  app.put('/api/v1/connectors/:id', {
    config: { action: 'connectors:update' },
    schema: { tags, summary: 'Change a connector (send secrets back as ******** to keep them, while what they are sent to is unchanged)', params: ConnectorParams, body: UpdateConnectorBody, response: { 200: ConnectorBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const existing = await request.ownedConnector(request.params.id);
    const body = request.body;
    const { config, problems } = types.restoreSecrets(existing.type, body.config, existing.config);
    refuse([
      ...problems,
      ...(await validateConnector(types, { type: existing.type, schemaName: existing.schemaName, schedule: body.schedule, config, mapping: body.mapping, options: body.options }, { root: app.pipeline.dropRoot, departmentCode: existing.departmentCode })),
    ]);
    const updated = await service.update(existing, { name: body.name, config, mapping: body.mapping, schedule: body.schedule ?? null, options: body.options ?? {} }, request.principal);
    if (!updated) throw dxError('DX_ERR_CONNECTOR_NOT_FOUND');
    request.log.info({ connectorId: updated.id }, 'connector updated');
    return present.one(updated);
  });

  app.delete('/api/v1/connectors/:id', {
    config: { action: 'connectors:delete' },
    schema: { tags, summary: 'Delete a connector with its offsets and quarantine (published records stay on their topic)', params: ConnectorParams, response: { 204: Type.Null(), ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const existing = await request.ownedConnector(request.params.id);
    await service.remove(existing, request.principal);
    request.log.info({ connectorId: existing.id }, 'connector deleted');
    return reply.status(204).send(null);
  });

  await app.register(connectorActions);
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The connector with this id if the caller may act on it under the route's action; 404 otherwise. */
    ownedConnector(id: string): Promise<Connector>;
  }
}

export default connectorRoutes;
