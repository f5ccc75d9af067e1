import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.ts';
import { AUTHENTICATED_ERRORS, ErrorBody, Pagination } from '../schemas.ts';
import { CreateOutgoingBody, OutgoingBody, RemoteRequestParams, RevokeRequestBody, tags } from './schemas.ts';

import { checkedDelivery, ownedRequest, presentRequest as present } from './request-delivery.ts';

/** A local integrator's requests for harvested resources, forwarded to their owners (the request cascade). */
const requestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { outgoing } = app.federation;

  const owned = (request: Parameters<typeof ownedRequest>[1], id: string) => ownedRequest(app, request, id);

  app.post('/api/v1/federation/requests', {
    config: { action: 'federation:request' },
    schema: { tags, summary: "Request a harvested resource: forwarded with purpose, legal basis and fields to its owner, whose provider decides", body: CreateOutgoingBody, response: { 201: OutgoingBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const delivery = await checkedDelivery(app, request.body.delivery);
    const created = await outgoing.request(request.principal as Principal, { ...request.body, delivery });
    request.log.info({ request: created.id, peer: created.peer.instanceId, status: created.status, mode: delivery.mode }, 'cross-gateway request forwarded');
    await app.federation.delivery.refresh();
    const answer = present(created);
    return reply.status(201).send(created.deliveryMode === 'webhook' ? { ...answer, webhookSecret: app.subscriptions.secrets.webhookSecret(created.id) } : answer);
  });

  app.get('/api/v1/federation/requests', {
    config: { action: 'federation:requests:read' },
    schema: { tags, summary: 'Cross-gateway requests: an integrator its own, the data office all; newest first', querystring: Pagination, response: { 200: Type.Object({ items: Type.Array(OutgoingBody) }), ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const principal = request.principal as Principal;
    const items = await outgoing.list(principal.kind === 'integrator' ? principal.id : undefined, request.query.limit, request.query.offset);
    return { items: items.map(present) };
  });

  app.get('/api/v1/federation/requests/:id', {
    config: { action: 'federation:requests:read' },
    schema: { tags, summary: "A cross-gateway request with the owner's current decision (fetched from the owner when it answers)", params: RemoteRequestParams, response: { 200: OutgoingBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const found = await owned(request, request.params.id);
    const current = await outgoing.refresh(found).catch((err: unknown) => {
      request.log.warn({ err, request: found.id }, 'owner not reached; showing the last known state');
      return found;
    });
    return present(current);
  });

  app.post('/api/v1/federation/requests/:id/revoke', {
    config: { action: 'federation:requests:revoke' },
    schema: { tags, summary: 'Withdraw a cross-gateway request: revoked at the owner, delivery stops', params: RemoteRequestParams, body: RevokeRequestBody, response: { 200: OutgoingBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const found = await owned(request, request.params.id);
    return present(await outgoing.revoke(found, request.principal as Principal, request.body.reason ?? null));
  });
};

export default requestRoutes;
