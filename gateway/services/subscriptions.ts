import type { Resource } from '../../catalog/model.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/database.ts';
import { dxError } from '../errors.ts';
import type { Subscription } from '../subscriptions/model.ts';
import type { DeliveryRuntime } from '../subscriptions/runtime.ts';
import type { NewSubscription, SubscriptionStore } from '../subscriptions/store.ts';
import { auditedTransaction, type AuditAppender } from './audited.ts';

const object = (subscription: Subscription) => ({ type: 'subscription', id: subscription.id });

/** The request as the integrator sent it, once its resource, fields, delivery and expiry were checked. */
export type SubscriptionRequest = Omit<NewSubscription, 'integratorId' | 'resourceId' | 'sharingType' | 'granted'>;

function decidedMeanwhile(): never {
  throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: 'The request was decided or revoked meanwhile' });
}

/**
 * Subscription workflow: request (granted at once for unconditional resources), approve, reject, revoke; each
 * change and its audit entries in one transaction, and the delivery runtime told once it is committed. A decision
 * that lost the race to another (the store's conditional updates) answers DX_ERR_SUBSCRIPTION_STATE.
 */
export function createSubscriptionService(deps: { db: Db; audit: AuditAppender; store: SubscriptionStore; runtime: Pick<DeliveryRuntime, 'refresh'> }) {
  const { db, audit, store, runtime } = deps;

  return {
    async request(integrator: Principal, resource: Resource, request: SubscriptionRequest): Promise<Subscription> {
      const granted = resource.sharing.type === 'unconditional';
      const subscription = await db.transaction(async (client) => {
        const created = await store.create({ ...request, integratorId: integrator.id, resourceId: resource.id, sharingType: resource.sharing.type as Subscription['sharingType'], granted }, client);
        const details = {
          resourceId: resource.id, resourceCode: resource.code, fields: request.requestedFields, mode: request.deliveryMode, sharingType: resource.sharing.type,
          replyDue: created.replyDue, replyDueProvisional: created.replyDueProvisionalReason !== null,
        };
        await audit.record({ principal: integrator, action: 'subscription.request', object: object(created), details }, client);
        if (granted) await audit.record({ principal: null, action: 'subscription.grant', object: object(created), details: { fields: request.requestedFields, rule: 'unconditional sharing' } }, client);
        return created;
      });
      if (granted) await runtime.refresh();
      return subscription;
    },

    async approve(provider: Principal, subscription: Subscription, decision: { fields: string[]; note: string | null; expiresAt?: string | undefined }): Promise<Subscription> {
      const decided = await auditedTransaction(db, audit, async (client) => {
        const updated = await store.decide(subscription.id, { approve: true, fields: decision.fields, by: provider.id, reason: decision.note, expiresAt: decision.expiresAt }, client);
        const withheld = subscription.requestedFields.filter((field) => !decision.fields.includes(field));
        return { result: updated, entry: updated ? { principal: provider, action: 'subscription.approve', object: object(updated), details: { fields: decision.fields, withheld, expiresAt: updated.expiresAt } } : null };
      });
      if (!decided) decidedMeanwhile();
      await runtime.refresh();
      return decided;
    },

    async reject(provider: Principal, subscription: Subscription, reason: string): Promise<Subscription> {
      const decided = await auditedTransaction(db, audit, async (client) => {
        const updated = await store.decide(subscription.id, { approve: false, fields: null, by: provider.id, reason }, client);
        return { result: updated, entry: updated ? { principal: provider, action: 'subscription.reject', object: object(updated), details: { reason } } : null };
      });
      return decided ?? decidedMeanwhile();
    },

    async revoke(principal: Principal, subscription: Subscription, reason: string | null): Promise<Subscription> {
      const revoked = await auditedTransaction(db, audit, async (client) => {
        const updated = await store.revoke(subscription.id, principal.id, reason, client);
        return { result: updated, entry: updated ? { principal, action: 'subscription.revoke', object: object(updated), details: { reason, previousStatus: subscription.status } } : null };
      });
      if (!revoked) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The subscription is already ${subscription.status}` });
      await runtime.refresh();
      return revoked;
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
