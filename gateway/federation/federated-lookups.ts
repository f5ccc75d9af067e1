import type { AuditLog } from '../audit/audit-log.ts';
import type { Principal } from '../auth/principal.ts';
import { dxError, ERROR_CATALOGUE, type ErrorCode, type ErrorDetail } from '../errors.ts';
import type { Db } from '../plugins/db.ts';
import type { EntityHasher } from '../registers/entity-hash.ts';
import type { Accounting, LookupForm } from '../registers/usage.ts';
import type { OutgoingRequest, OutgoingRequests } from './outgoing-requests.ts';
import { PeerUnreachable, type PeerAnswer, type PeerClient } from './peer-client.ts';
import type { Peer, PeerStore } from './peer-store.ts';

/** The query routes of a query request, under /api/v1/federation/requests/{id}/ here and /federation/v1/requests/{id}/ at the owner. */
export type FederatedQueryPath = 'lookup' | 'lookup/batch' | 'verify' | 'licences';

const FORM_OF: Record<FederatedQueryPath, LookupForm> = { lookup: 'lookup', 'lookup/batch': 'lookup', verify: 'verify', licences: 'holder' };
/** Owner answers that say nothing the integrator can act on: shown as the owner's refusal. */
const OWN_CALL_CODES: readonly string[] = ['DX_ERR_FEDERATION_SIGNATURE', 'DX_ERR_PEER_NOT_CONFIRMED', 'DX_ERR_AUTH_MISSING', 'DX_ERR_AUTH_INVALID'];

/** The owner's 4xx as this gateway's error: its code, message and fields when it is one of ours, a refusal otherwise. */
function ownerRefusal(peer: Peer, answer: PeerAnswer): Error {
  const body = (answer.body ?? {}) as { code?: string; message?: string; details?: ErrorDetail[] };
  const message = body.message ?? `answered ${answer.status}`;
  const code = body.code;
  if (code !== undefined && code in ERROR_CATALOGUE && !OWN_CALL_CODES.includes(code)) {
    return dxError(code as ErrorCode, { message: `${peer.name}: ${message}`, ...(body.details ? { details: body.details } : {}) });
  }
  return dxError('DX_ERR_PEER_REFUSED', { message: `${peer.name} refused the lookup: ${message}`, details: body.details ?? [{ message }] });
}

/**
 * The requesting side of register lookups across gateways (docs/federation.md): refused at once unless this
 * gateway's copy of the request is an active query request; audited here (one entry per entity, under its keyed
 * hash: decision 0028) before the signed call to the owner, which answers and accounts for it as a local lookup.
 */
export function createFederatedLookups(deps: { db: Db; audit: Pick<AuditLog, 'recordMany'>; peers: PeerStore; client: PeerClient; hasher: EntityHasher; outgoing: Pick<OutgoingRequests, 'refresh'> }) {
  return {
    async query(request: OutgoingRequest, integrator: Principal, path: FederatedQueryPath, body: Accounting & Record<string, unknown>, entities: readonly string[]): Promise<unknown> {
      if (request.deliveryMode !== 'query') throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The request delivers by ${request.deliveryMode}, not query` });
      if (request.status !== 'active' || request.remoteId === null) throw dxError('DX_ERR_SUBSCRIPTION_INACTIVE', { message: `The request is not active here: it is ${request.status}`, details: [{ message: `the request is ${request.status}` }] });
      const peer = await deps.peers.get(request.peer.id);
      if (!peer || peer.confirmedAt === null) throw dxError('DX_ERR_PEER_NOT_CONFIRMED');
      const hashes = [...new Set(entities.map((entity) => deps.hasher.hash(entity)))];
      const details = { request: request.id, peer: peer.instanceId, resourceCode: request.resourceCode, form: FORM_OF[path], operator: body.operator, purpose: body.purpose, caseNumber: body.caseNumber ?? null };
      await deps.db.transaction((client) => deps.audit.recordMany(hashes.map((hash) => ({ principal: integrator, action: 'federation.lookup', object: { type: 'register-entity', id: hash }, details })), client));
      let answer: PeerAnswer;
      try {
        answer = await deps.client.call(peer.baseUrl, 'POST', `/federation/v1/requests/${request.remoteId}/${path}`, { integrator: integrator.id, body });
      } catch (err) {
        if (!(err instanceof PeerUnreachable)) throw err;
        throw dxError('DX_ERR_PEER_UNAVAILABLE', { message: `The peer gateway ${peer.name} (${peer.instanceId}) did not answer; retry later`, details: [{ path: 'peer', message: `${peer.instanceId} did not answer` }], cause: err });
      }
      if (answer.status === 200) return answer.body;
      // The owner knows first when it revoked or expired the request: this gateway's copy follows at once.
      if (answer.status === 403) await deps.outgoing.refresh(request).catch(() => undefined);
      throw ownerRefusal(peer, answer);
    },
  };
}

export type FederatedLookups = ReturnType<typeof createFederatedLookups>;
