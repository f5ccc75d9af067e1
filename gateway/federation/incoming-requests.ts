import type { AuditLog } from '../audit/audit-log.ts';
import type { CatalogRepository } from '../../catalog/repository.ts';
import { dxError, type ErrorDetail } from '../errors.ts';
import type { TopicEndOffset } from '../kafka/topic-end-offsets.ts';
import type { Db } from '../plugins/db.ts';
import type { Subscriptions } from '../plugins/subscriptions.ts';
import { deliveryProblems, fieldProblems, futureProblems } from '../routes/subscriptions/validate.ts';
import { effectiveStatus, subscriptionTopic, type Subscription } from '../subscriptions/model.ts';
import { dateInShanghai } from '../subscriptions/working-days.ts';
import type { Peer } from './peer-store.ts';
import type { SharedCatalogue } from './shared-catalogue.ts';

/** What a peer forwards for one of its integrators (POST /federation/v1/requests). */
export interface ForwardedRequest {
  /** The request's id at the requesting gateway: forwarding it again answers the same request. */
  requestId: string;
  /** The dataset IRI harvested from this gateway. */
  datasetIri: string;
  purpose: string;
  legalBasis: string;
  fields: string[];
  expiresAt?: string | undefined;
  /** `query`: register lookups answered here by signed calls (docs/federation.md); otherwise the projected topic. */
  mode?: 'kafka' | 'query' | undefined;
}

/** The state of a cross-gateway request as the owner answers it; `topic` names the projected topic once active. */
export interface RequestState {
  id: string;
  requestId: string;
  status: Subscription['status'];
  requestedFields: string[];
  approvedFields: string[] | null;
  reason: string | null;
  replyDue: string | null;
  expiresAt: string | null;
  topic: string | null;
  /** Records the projected topic has received so far (its partitions' end offsets added), while active. */
  endOffset: number | null;
}

const UUID_AT_END = /\/api\/v1\/catalog\/resources\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function refuse(problems: ErrorDetail[]): void {
  if (problems.length > 0) throw dxError('DX_ERR_REQUEST_INVALID', { message: problems.map((p) => `${p.path} ${p.message}`).join('; '), details: problems });
}

/**
 * The owner's side of the request cascade. A forwarded request becomes a subscription of the peer's principal,
 * delivered by kafka into the projected topic dx.sub.<id> (approved fields, masked here, where the data is owned),
 * which MirrorMaker 2 mirrors to the peer. The provider department decides it like any other request.
 */
export function createIncomingRequests(deps: { db: Db; audit: AuditLog; repository: CatalogRepository; shared: SharedCatalogue; subscriptions: Subscriptions; endOffset: TopicEndOffset }) {
  const { db, audit, subscriptions } = deps;

  async function stateOf(id: string, requestId: string, subscription: Subscription): Promise<RequestState> {
    const status = effectiveStatus(subscription, subscriptions.clock());
    const mirrored = status === 'active' && subscription.deliveryMode === 'kafka';
    return {
      id,
      requestId,
      status,
      requestedFields: subscription.requestedFields,
      approvedFields: subscription.approvedFields,
      reason: subscription.revokeReason ?? subscription.decisionReason,
      replyDue: subscription.replyDue,
      expiresAt: subscription.expiresAt,
      topic: mirrored ? subscriptionTopic(subscription.id) : null,
      endOffset: mirrored ? await deps.endOffset(subscriptionTopic(subscription.id)).catch(() => null) : null,
    };
  }

  async function find(peer: Peer, id: string): Promise<{ id: string; requestId: string; subscription: Subscription }> {
    const { rows } = await db.query<{ id: string; remote_id: string; subscription_id: string }>(
      "SELECT id, remote_id, subscription_id FROM federation_requests WHERE direction = 'incoming' AND peer_id = $1 AND (id::text = $2 OR remote_id::text = $2)",
      [peer.id, id],
    );
    const row = rows[0];
    const subscription = row ? await subscriptions.store.get(row.subscription_id) : undefined;
    if (!row || !subscription) throw dxError('DX_ERR_FEDERATION_REQUEST_NOT_FOUND');
    return { id: row.id, requestId: row.remote_id, subscription };
  }

  return {
    async receive(peer: Peer, integrator: string | undefined, body: ForwardedRequest): Promise<{ state: RequestState; created: boolean }> {
      if (integrator === undefined) refuse([{ path: 'dx-integrator', message: 'is required: a request is made for an integrator' }]);
      const existing = await find(peer, body.requestId).catch(() => undefined);
      if (existing) return { state: await stateOf(existing.id, existing.requestId, existing.subscription), created: false };
      const resourceId = UUID_AT_END.exec(body.datasetIri)?.[1];
      const resource = resourceId ? await deps.repository.get(resourceId) : undefined;
      if (!resource || !(await deps.shared.isShared(peer.id, resource.id))) throw dxError('DX_ERR_FEDERATION_NOT_SHARED', { details: [{ path: 'datasetIri', message: 'is not a resource shared with you' }] });
      const now = subscriptions.clock();
      const mode = body.mode ?? 'kafka';
      refuse([...fieldProblems(resource, body.fields, 'fields'), ...deliveryProblems(resource, { mode }), ...futureProblems(body.expiresAt, 'expiresAt', now)]);
      // A kafka request's projected topic is what MirrorMaker reads: refused where it could not be protected, as a local one.
      if (mode === 'kafka') await subscriptions.kafkaAccess.assertAllowed();
      const granted = resource.sharing.type === 'unconditional';
      const principal = { id: peer.principalId, kind: 'integrator' as const };
      const answer = await db.transaction(async (client) => {
        const subscription = await subscriptions.store.create(
          {
            integratorId: peer.principalId,
            resourceId: resource.id,
            sharingType: resource.sharing.type as Subscription['sharingType'],
            purpose: body.purpose,
            legalBasis: body.legalBasis,
            requestedFields: body.fields,
            deliveryMode: mode,
            webhookUrl: null,
            webhookMaxAttempts: null,
            expiresAt: body.expiresAt ?? null,
            granted,
            reply: granted ? null : { countedFrom: dateInShanghai(now), due: subscriptions.workingDays.replyDue(now) },
          },
          client,
        );
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO federation_requests (direction, peer_id, remote_id, resource_code, integrator_name, subscription_id, purpose, legal_basis, requested_fields, status)
           VALUES ('incoming', $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [peer.id, body.requestId, resource.code, integrator, subscription.id, body.purpose, body.legalBasis, JSON.stringify(body.fields), subscription.status],
        );
        const id = (rows[0] as { id: string }).id;
        const federated = { peer: peer.instanceId, integrator, request: id, remoteRequest: body.requestId };
        await audit.record({ principal, action: 'subscription.request', object: { type: 'subscription', id: subscription.id }, details: { resourceId: resource.id, resourceCode: resource.code, fields: body.fields, mode, sharingType: resource.sharing.type, replyDue: subscription.replyDue, federated } }, client);
        if (granted) await audit.record({ principal: null, action: 'subscription.grant', object: { type: 'subscription', id: subscription.id }, details: { fields: body.fields, rule: 'unconditional sharing', federated } }, client);
        return { id, subscription };
      });
      if (granted) await subscriptions.runtime.refresh();
      return { state: await stateOf(answer.id, body.requestId, answer.subscription), created: true };
    },

    /** The subscription of a request the peer forwarded (DX_ERR_FEDERATION_REQUEST_NOT_FOUND for another peer's). */
    async subscriptionOf(peer: Peer, id: string): Promise<Subscription> {
      return (await find(peer, id)).subscription;
    },

    async state(peer: Peer, id: string): Promise<RequestState> {
      const found = await find(peer, id);
      return stateOf(found.id, found.requestId, found.subscription);
    },

    /** The projected topics the peer may mirror now: those of its active requests (MirrorMaker 2's topic list). */
    async mirrorTopics(peer: Peer): Promise<string[]> {
      const { rows } = await db.query<{ subscription_id: string }>("SELECT subscription_id FROM federation_requests WHERE direction = 'incoming' AND peer_id = $1 ORDER BY created_at", [peer.id]);
      const topics: string[] = [];
      for (const row of rows) {
        const subscription = await subscriptions.store.get(row.subscription_id);
        if (subscription && subscription.deliveryMode === 'kafka' && effectiveStatus(subscription, subscriptions.clock()) === 'active') topics.push(subscriptionTopic(subscription.id));
      }
      return topics;
    },

    /** The requesting integrator withdraws through its gateway: the subscription is revoked here. */
    async revoke(peer: Peer, integrator: string | undefined, id: string, reason: string | null): Promise<RequestState> {
      const found = await find(peer, id);
      const revoked = await db.transaction(async (client) => {
        const updated = await subscriptions.store.revoke(found.subscription.id, peer.principalId, reason, client);
        if (updated) await audit.record({ principal: { id: peer.principalId, kind: 'integrator' }, action: 'subscription.revoke', object: { type: 'subscription', id: updated.id }, details: { reason, previousStatus: found.subscription.status, federated: { peer: peer.instanceId, integrator, request: found.id } } }, client);
        return updated;
      });
      if (revoked) await subscriptions.runtime.refresh();
      return stateOf(found.id, found.requestId, revoked ?? found.subscription);
    },
  };
}

export type IncomingRequests = ReturnType<typeof createIncomingRequests>;
