import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.ts';
import { DxError, dxError } from '../../errors.ts';
import type { Peer } from '../../federation/peer-store.ts';
import { PeerUnreachable } from '../../federation/peer-client.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { CreatePeerBody, HarvestBody, HarvestQuery, InstanceBody, PeerBody, PeerParams, ShareParams, tags } from './schemas.ts';

const present = (peer: Peer) => ({ ...peer, confirmed: peer.confirmedAt !== null });

/** The data office's peers: this gateway's identity, registration, the handshake, harvest on demand, and shares. */
const peerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { federation } = app;

  async function peerOf(id: string): Promise<Peer> {
    const peer = await federation.peers.get(id);
    if (!peer) throw dxError('DX_ERR_PEER_NOT_FOUND');
    return peer;
  }

  app.get('/api/v1/peers/self', {
    config: { action: 'peers:read' },
    schema: { tags, summary: "This gateway's instance id, name and public key, to hand to a peer's data office", response: { 200: InstanceBody, ...AUTHENTICATED_ERRORS } },
  }, async () => federation.instance);

  app.get('/api/v1/peers', {
    config: { action: 'peers:read' },
    schema: { tags, summary: 'The registered peer gateways', response: { 200: Type.Object({ items: Type.Array(PeerBody) }), ...AUTHENTICATED_ERRORS } },
  }, async () => ({ items: (await federation.peers.list()).map(present) }));

  app.post('/api/v1/peers', {
    config: { action: 'peers:write' },
    schema: { tags, summary: 'Register a peer gateway; federation with it is on once it registered this gateway too and a handshake succeeded', body: CreatePeerBody, response: { 201: PeerBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const peer = await federation.service.register(request.body, request.principal);
    request.log.info({ peer: peer.instanceId }, 'peer registered');
    return reply.status(201).send(present(peer));
  });

  app.get('/api/v1/peers/:id', {
    config: { action: 'peers:read' },
    schema: { tags, summary: 'A peer gateway with its handshake and harvest state', params: PeerParams, response: { 200: PeerBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => present(await peerOf(request.params.id)));

  app.delete('/api/v1/peers/:id', {
    config: { action: 'peers:write' },
    schema: { tags, summary: 'Remove a peer without cross-gateway requests: it is no longer served or harvested, and what was harvested from it goes', params: PeerParams, response: { 204: Type.Null(), ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const peer = await federation.service.remove(request.params.id, request.principal);
    federation.harvested.changed();
    request.log.info({ peer: peer.instanceId }, 'peer removed');
    return reply.status(204).send(null);
  });

  app.post('/api/v1/peers/:id/handshake', {
    config: { action: 'peers:write' },
    schema: { tags, summary: 'Call the peer with a signed handshake; on success federation with it is on', params: PeerParams, response: { 200: PeerBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const peer = await peerOf(request.params.id);
    const answer = await federation.client.call(peer.baseUrl, 'POST', '/federation/v1/handshake', { body: { instanceId: federation.instance.instanceId, name: federation.instance.name } }).catch((err: unknown) => {
      if (err instanceof PeerUnreachable) throw dxError('DX_ERR_PEER_UNAVAILABLE', { cause: err });
      throw err;
    });
    const body = answer.body as { instanceId?: unknown; publicKey?: unknown } | null;
    if (answer.status !== 200) {
      throw dxError('DX_ERR_PEER_NOT_CONFIRMED', { message: `The peer refused the handshake (${answer.status}): ${(answer.body as { message?: string } | null)?.message ?? 'no reason given'}; it must register this gateway (GET /api/v1/peers/self) first`, details: [{ path: 'id', message: `peer answered ${answer.status}` }] });
    }
    if (body?.instanceId !== peer.instanceId || body?.publicKey !== peer.publicKey) {
      throw dxError('DX_ERR_PEER_REFUSED', { message: `The peer at ${peer.baseUrl} is ${String(body?.instanceId)} with another key than registered`, details: [{ path: 'publicKey', message: 'does not match the key the peer answers with' }] });
    }
    await federation.service.confirm(peer, 'called');
    return present(await peerOf(peer.id));
  });

  app.post('/api/v1/peers/:id/harvest', {
    config: { action: 'peers:write' },
    schema: { tags, summary: "Harvest the peer's shared catalogue now: what changed since the last harvest, or everything (full)", params: PeerParams, querystring: HarvestQuery, response: { 200: HarvestBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const peer = await peerOf(request.params.id);
    if (peer.confirmedAt === null) throw dxError('DX_ERR_PEER_NOT_CONFIRMED');
    try {
      return await federation.harvester.harvest(peer, request.principal, { full: request.query.full });
    } catch (err) {
      if (err instanceof PeerUnreachable) throw dxError('DX_ERR_PEER_UNAVAILABLE', { cause: err });
      if (err instanceof DxError) throw err;
      throw dxError('DX_ERR_PEER_REFUSED', { message: `The harvest failed: ${(err as Error).message}`, details: [{ path: 'id', message: (err as Error).message }], cause: err });
    }
  });

  app.get('/api/v1/peers/:id/mirror', {
    config: { action: 'peers:read' },
    schema: {
      tags,
      summary: "What MirrorMaker 2 may copy from this gateway's cluster to the peer's: the projected topics of the peer's active requests",
      params: PeerParams,
      response: { 200: Type.Object({ source: Type.String(), target: Type.String(), topics: Type.Array(Type.String()) }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const peer = await peerOf(request.params.id);
    return { source: federation.instance.instanceId, target: peer.instanceId, topics: await federation.incoming.mirrorTopics(peer) };
  });

  app.get('/api/v1/peers/:id/shares', {
    config: { action: 'peers:shares:read' },
    schema: { tags, summary: 'The resources shared with the peer (a department sees its own)', params: PeerParams, response: { 200: Type.Object({ items: Type.Array(Type.Object({ resourceId: Type.String(), code: Type.String(), name: Type.String(), providerCode: Type.String() })) }), ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const peer = await peerOf(request.params.id);
    const principal = request.principal as Principal;
    const { rows } = await app.db.query<{ resourceId: string; code: string; name: string; providerCode: string }>(
      `SELECT r.id AS "resourceId", r.code, r.name, r.provider_code AS "providerCode" FROM federation_shares s JOIN catalog_resources r ON r.id = s.resource_id
        WHERE s.peer_id = $1 AND ($2::text IS NULL OR r.provider_code = $2) ORDER BY r.code`,
      [peer.id, principal.kind === 'department' ? principal.departmentCode : null],
    );
    return { items: rows };
  });

  async function changeShare(request: FastifyRequest, params: { id: string; resourceId: string }, shared: boolean): Promise<void> {
    const peer = await peerOf(params.id);
    const resource = await app.catalog.repository.get(params.resourceId);
    if (!resource) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    request.authorize({ departmentCode: resource.providerCode }, 'DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    if (shared && resource.sharing.type === 'not-shared') {
      throw dxError('DX_ERR_SUBSCRIPTION_NOT_SHARED', { message: `Resource ${resource.code} is not shared and never leaves this gateway`, details: [{ path: 'resourceId', message: 'is not shared' }] });
    }
    await federation.service.share(peer, resource, shared, request.principal);
  }
  const shareSchema = (summary: string) => ({ tags, summary, params: ShareParams, response: { 204: Type.Null(), ...AUTHENTICATED_ERRORS } });

  app.put('/api/v1/peers/:id/shares/:resourceId', {
    config: { action: 'peers:shares:write' },
    schema: shareSchema('Share a resource with the peer (its provider department or the data office); not-shared resources never leave'),
  }, async (request, reply) => {
    await changeShare(request, request.params, true);
    return reply.status(204).send(null);
  });

  app.delete('/api/v1/peers/:id/shares/:resourceId', {
    config: { action: 'peers:shares:write' },
    schema: shareSchema("Stop sharing a resource with the peer; the peer's next harvest deletes it there"),
  }, async (request, reply) => {
    await changeShare(request, request.params, false);
    return reply.status(204).send(null);
  });
};

export default peerRoutes;
