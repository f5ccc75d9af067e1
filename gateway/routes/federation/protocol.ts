import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Peer } from '../../federation/peer-store.ts';
import federatedQueries from './protocol-queries.ts';
import { authenticateSignedCalls } from './signed-calls.ts';
import { ForwardedRequestBody, InstanceBody, RemoteRequestParams, RequestStateBody, RevokeRequestBody, SharedPageQuery, SIGNED_ERRORS, tags } from './schemas.ts';

/**
 * The routes peer gateways call, each signed by the caller (docs/federation.md). Not under /api/v1: no API key,
 * the signature is the authentication, and the peer is the caller.
 */
const federationProtocol: FastifyPluginAsyncTypebox = async (app) => {
  authenticateSignedCalls(app);
  const { federation } = app;

  app.post('/federation/v1/handshake', {
    config: { beforeConfirmation: true },
    schema: {
      tags,
      summary: 'Signed handshake: the caller proves its key, this gateway answers with its own identity; federation is on from the first success on either side',
      body: Type.Optional(Type.Object({ instanceId: Type.String(), name: Type.String() })),
      response: { 200: InstanceBody, ...SIGNED_ERRORS },
    },
  }, async (request) => {
    const { peer } = request.peerCall as { peer: Peer };
    await federation.service.confirm(peer, 'was-called');
    request.log.info({ peer: peer.instanceId }, 'federation handshake from peer');
    return federation.instance;
  });

  app.get('/federation/v1/catalog.jsonld', {
    schema: {
      tags,
      summary: 'The catalogue shared with the calling peer, as DCAT-AP JSON-LD, paged (Hydra) and incremental by modification time',
      querystring: SharedPageQuery,
      produces: ['application/ld+json'],
      response: { 200: Type.Unknown({ description: 'JSON-LD document (@context, @graph)' }), ...SIGNED_ERRORS },
    },
  }, async (request, reply) => {
    const { peer } = request.peerCall as { peer: Peer };
    const base = `${request.protocol}://${request.host}`;
    const { modifiedSince, pageSize } = request.query;
    const pageUrl = (page: number) => `${base}/federation/v1/catalog.jsonld?pageSize=${pageSize}&page=${page}${modifiedSince ? `&modifiedSince=${encodeURIComponent(modifiedSince)}` : ''}`;
    const document = await federation.shared.page(peer.id, request.query, { ...app.catalog.describe, title: federation.instance.name, baseUrl: base }, pageUrl);
    return reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(document));
  });

  app.post('/federation/v1/requests', {
    schema: {
      tags,
      summary: "A peer forwards its integrator's request (dx-integrator) for a resource shared with it; the provider decides under this gateway's rules",
      body: ForwardedRequestBody,
      response: { 200: RequestStateBody, 201: RequestStateBody, ...SIGNED_ERRORS },
    },
  }, async (request, reply) => {
    const { peer, integrator } = request.peerCall as { peer: Peer; integrator: string | undefined };
    const { state, created } = await federation.incoming.receive(peer, integrator, request.body);
    request.log.info({ peer: peer.instanceId, request: state.id, status: state.status }, 'cross-gateway request received');
    return reply.status(created ? 201 : 200).send(state);
  });

  app.get('/federation/v1/requests/:id', {
    schema: { tags, summary: 'The state of a request the calling peer forwarded: decision, approved fields, revocation, expiry, projected topic', params: RemoteRequestParams, response: { 200: RequestStateBody, ...SIGNED_ERRORS } },
  }, async (request) => federation.incoming.state((request.peerCall as { peer: Peer }).peer, request.params.id));

  app.post('/federation/v1/requests/:id/revoke', {
    schema: { tags, summary: "The peer's integrator withdraws its request: the subscription is revoked here", params: RemoteRequestParams, body: RevokeRequestBody, response: { 200: RequestStateBody, ...SIGNED_ERRORS } },
  }, async (request) => {
    const { peer, integrator } = request.peerCall as { peer: Peer; integrator: string | undefined };
    return federation.incoming.revoke(peer, integrator, request.params.id, request.body.reason ?? null);
  });

  await app.register(federatedQueries);
};

export default federationProtocol;
