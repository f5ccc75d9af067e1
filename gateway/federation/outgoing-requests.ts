import type { AuditLog } from '../audit/audit-log.ts';
import type { Principal } from '../auth/principal.ts';
import { dxError } from '../errors.ts';
import type { Db } from '../plugins/db.ts';
import type { HarvestedStore } from './harvested-store.ts';
import { mirroredTopic } from './mirrored-topic.ts';
import type { RequestState } from './incoming-requests.ts';
import { PeerUnreachable, type PeerClient } from './peer-client.ts';
import type { Peer, PeerStore } from './peer-store.ts';
import type { ParkedBatch } from '../subscriptions/model.ts';

/** The delivery modes of a cross-gateway request here; query requests are looked up at the owner (docs/federation.md). */
export const FEDERATED_DELIVERY_MODES = ['kafka', 'http', 'webhook', 'query'] as const;
export type FederatedDeliveryMode = (typeof FEDERATED_DELIVERY_MODES)[number];

export type OutgoingStatus = 'forwarding' | RequestState['status'];

/** A local integrator's request for a harvested resource, as this gateway tracks it. */
export interface OutgoingRequest {
  id: string;
  peer: { id: string; instanceId: string; name: string };
  remoteId: string | null;
  harvestedId: string | null;
  resourceCode: string;
  integratorId: string;
  purpose: string;
  legalBasis: string;
  requestedFields: string[];
  approvedFields: string[] | null;
  status: OutgoingStatus;
  reason: string | null;
  replyDue: string | null;
  expiresAt: string | null;
  /** The owner's projected topic, once active; mirrored here as `<owner instance id>.<topic>`. */
  topic: string | null;
  /** Where the records arrive in this cluster, once active; kept after the request closes (its ACLs are removed by it). */
  mirroredTopic: string | null;
  /** How this gateway delivers the mirrored topic to the integrator (docs/federation.md). */
  deliveryMode: FederatedDeliveryMode;
  webhookUrl: string | null;
  webhookMaxAttempts: number | null;
  kafkaAcl: string | null;
  delivered: number;
  lastDeliveredAt: string | null;
  parked: ParkedBatch | null;
  createdAt: string;
  updatedAt: string;
}

const FINAL: readonly OutgoingStatus[] = ['rejected', 'revoked', 'expired'];
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const SELECT = `SELECT f.id, json_build_object('id', p.id, 'instanceId', p.instance_id, 'name', p.name) AS peer, f.remote_id AS "remoteId",
  f.harvested_id AS "harvestedId", f.resource_code AS "resourceCode", f.integrator_id AS "integratorId", f.purpose, f.legal_basis AS "legalBasis",
  f.requested_fields AS "requestedFields", f.approved_fields AS "approvedFields", f.status, f.reason, to_char(f.reply_due, 'YYYY-MM-DD') AS "replyDue",
  ${iso('f.expires_at')} AS "expiresAt", f.topic, f.mirrored_topic AS "mirroredTopic", f.delivery_mode AS "deliveryMode", f.webhook_url AS "webhookUrl", f.webhook_max_attempts AS "webhookMaxAttempts",
  f.kafka_acl AS "kafkaAcl", f.delivered::float8 AS delivered, ${iso('f.last_delivered_at')} AS "lastDeliveredAt", f.parked, ${iso('f.created_at')} AS "createdAt", ${iso('f.updated_at')} AS "updatedAt"
  FROM federation_requests f JOIN federation_peers p ON p.id = f.peer_id WHERE f.direction = 'outgoing'`;

export interface NewOutgoingRequest {
  harvestedId: string;
  purpose: string;
  legalBasis: string;
  fields: string[];
  expiresAt?: string | undefined;
  delivery: { mode: FederatedDeliveryMode; url?: string | undefined; maxAttempts?: number | undefined };
}

/**
 * The requesting side of the request cascade: a local integrator's request is recorded and audited, then forwarded
 * signed to the owner (acting for the integrator); the owner's answers, decisions, revocations and expiries are
 * fetched back (on every harvest tick and when the request is read) and each change is audited here.
 */
export function createOutgoingRequests(deps: { db: Db; audit: AuditLog; peers: PeerStore; harvested: HarvestedStore; client: PeerClient }) {
  /** Called after a request's state changed (local delivery starts or stops on it). */
  const listeners: ((request: OutgoingRequest) => Promise<void>)[] = [];
  const { db, audit } = deps;
  /** The owner's end offset of each active request's projected topic, as last fetched: what the mirror lag is measured against. */
  const ownerEndOffsets = new Map<string, number>();

  async function get(id: string): Promise<OutgoingRequest | undefined> {
    return (await db.query<OutgoingRequest>(`${SELECT} AND f.id = $1`, [id])).rows[0];
  }

  async function apply(request: OutgoingRequest, state: RequestState | { status: 'rejected'; reason: string }, actor: Principal | null): Promise<OutgoingRequest> {
    const next: Partial<RequestState> & { status: OutgoingStatus; reason: string | null } = { approvedFields: null, replyDue: null, expiresAt: null, topic: null, ...state };
    if (next.status === 'active' && typeof next.endOffset === 'number') ownerEndOffsets.set(request.id, next.endOffset);
    else ownerEndOffsets.delete(request.id);
    const changed = request.status !== next.status || JSON.stringify(request.approvedFields) !== JSON.stringify(next.approvedFields ?? null) || request.remoteId !== (next.id ?? request.remoteId);
    if (!changed) return request;
    await db.transaction(async (client) => {
      await client.query(
        `UPDATE federation_requests SET remote_id = COALESCE($2, remote_id), status = $3, approved_fields = $4, reason = $5, reply_due = $6, expires_at = $7, topic = $8,
           mirrored_topic = COALESCE($9, mirrored_topic), updated_at = now() WHERE id = $1`,
        [request.id, next.id ?? null, next.status, next.approvedFields ? JSON.stringify(next.approvedFields) : null, next.reason, next.replyDue ?? null, next.expiresAt ?? null, next.topic ?? null,
          next.topic ? mirroredTopic(request.peer.instanceId, next.topic) : null],
      );
      await audit.record({ principal: actor, action: 'federation.request.update', object: { type: 'federation-request', id: request.id }, details: { peer: request.peer.instanceId, from: request.status, to: next.status, approvedFields: next.approvedFields ?? null, remoteId: next.id ?? request.remoteId } }, client);
    });
    const after = (await get(request.id)) as OutgoingRequest;
    for (const listener of listeners) await listener(after);
    return after;
  }

  async function forward(request: OutgoingRequest, peer: Peer, actor: Principal, datasetIri: string): Promise<OutgoingRequest> {
    const answer = await deps.client.call(peer.baseUrl, 'POST', '/federation/v1/requests', {
      integrator: actor.id,
      body: { requestId: request.id, datasetIri, purpose: request.purpose, legalBasis: request.legalBasis, fields: request.requestedFields, ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
        ...(request.deliveryMode === 'query' ? { mode: 'query' } : {}) },
    });
    if (answer.status === 200 || answer.status === 201) return apply(request, answer.body as RequestState, actor);
    const message = (answer.body as { message?: string } | null)?.message ?? `answered ${answer.status}`;
    const rejected = await apply(request, { status: 'rejected', reason: `${peer.name}: ${message}` }, actor);
    throw dxError('DX_ERR_PEER_REFUSED', { message: `${peer.name} refused the request: ${message}`, details: (answer.body as { details?: { path?: string; message: string }[] } | null)?.details ?? [{ message }], cause: rejected });
  }

  async function refresh(request: OutgoingRequest): Promise<OutgoingRequest> {
    if (FINAL.includes(request.status) || request.remoteId === null) return request;
    const peer = await deps.peers.get(request.peer.id);
    if (!peer) return request;
    const answer = await deps.client.call(peer.baseUrl, 'GET', `/federation/v1/requests/${request.remoteId}`);
    if (answer.status !== 200) return request;
    return apply(request, answer.body as RequestState, null);
  }

  return {
    get,
    refresh,
    ownerEndOffsets: ownerEndOffsets as ReadonlyMap<string, number>,
    onChange: (listener: (request: OutgoingRequest) => Promise<void>) => void listeners.push(listener),

    async list(integratorId: string | undefined, limit: number, offset: number): Promise<OutgoingRequest[]> {
      return (await db.query<OutgoingRequest>(`${SELECT} AND ($1::uuid IS NULL OR f.integrator_id = $1) ORDER BY f.created_at DESC LIMIT $2 OFFSET $3`, [integratorId ?? null, limit, offset])).rows;
    },

    async request(integrator: Principal, input: NewOutgoingRequest): Promise<OutgoingRequest> {
      const resource = await deps.harvested.get(input.harvestedId);
      if (!resource) throw dxError('DX_ERR_REQUEST_INVALID', { message: 'harvestedId is not a harvested resource', details: [{ path: 'harvestedId', message: 'is not a harvested resource' }] });
      const peer = await deps.peers.get(resource.origin.peerId);
      if (!peer || peer.confirmedAt === null) throw dxError('DX_ERR_PEER_NOT_CONFIRMED');
      const problems = input.fields.flatMap((field, index) => (resource.fields.some((item) => item.field === field) ? [] : [{ path: `fields[${index}]`, message: `${field} is not a requestable item of ${resource.code}` }]));
      if (problems.length > 0) throw dxError('DX_ERR_REQUEST_INVALID', { message: problems.map((p) => `${p.path} ${p.message}`).join('; '), details: problems });
      const id = await db.transaction(async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO federation_requests (direction, peer_id, harvested_id, resource_code, integrator_id, integrator_name, purpose, legal_basis, requested_fields, status, expires_at,
             delivery_mode, webhook_url, webhook_max_attempts)
           VALUES ('outgoing', $1, $2, $3, $4, $5, $6, $7, $8, 'forwarding', $9, $10, $11, $12) RETURNING id`,
          [peer.id, resource.id, resource.code, integrator.id, integrator.name, input.purpose, input.legalBasis, JSON.stringify(input.fields), input.expiresAt ?? null,
            input.delivery.mode, input.delivery.url ?? null, input.delivery.maxAttempts ?? null],
        );
        const created = (rows[0] as { id: string }).id;
        await audit.record({ principal: integrator, action: 'federation.request.forward', object: { type: 'federation-request', id: created }, details: { peer: peer.instanceId, resourceCode: resource.code, fields: input.fields, mode: input.delivery.mode } }, client);
        return created;
      });
      const recorded = (await get(id)) as OutgoingRequest;
      try {
        return await forward(recorded, peer, integrator, resource.originalUrl);
      } catch (err) {
        if (err instanceof PeerUnreachable) throw dxError('DX_ERR_PEER_UNAVAILABLE', { cause: err });
        throw err;
      }
    },

    /** The integrator withdraws: revoked at the owner, then here. */
    async revoke(request: OutgoingRequest, integrator: Principal, reason: string | null): Promise<OutgoingRequest> {
      if (FINAL.includes(request.status)) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The request is already ${request.status}` });
      const peer = await deps.peers.get(request.peer.id);
      if (!peer || request.remoteId === null) throw dxError('DX_ERR_PEER_NOT_CONFIRMED');
      const answer = await deps.client.call(peer.baseUrl, 'POST', `/federation/v1/requests/${request.remoteId}/revoke`, { integrator: integrator.id, body: { reason } }).catch((err: unknown) => {
        if (err instanceof PeerUnreachable) throw dxError('DX_ERR_PEER_UNAVAILABLE', { cause: err });
        throw err;
      });
      if (answer.status !== 200) throw dxError('DX_ERR_PEER_REFUSED', { message: `${peer.name} refused the revocation (${answer.status})` });
      return apply(request, answer.body as RequestState, integrator);
    },

    /** Fetches the owner's state of every open request that reached it. */
    async sync(): Promise<void> {
      const { rows } = await db.query<OutgoingRequest>(`${SELECT} AND f.status NOT IN ('rejected', 'revoked', 'expired') AND f.remote_id IS NOT NULL`);
      for (const request of rows) await refresh(request);
    },
  };
}

export type OutgoingRequests = ReturnType<typeof createOutgoingRequests>;
