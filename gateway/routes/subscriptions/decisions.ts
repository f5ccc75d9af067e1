import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import type { Subscription } from '../../subscriptions/model.ts';
import { refuse } from '../refuse.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { present } from './present.ts';
import { ApproveBody, RejectBody, RevokeBody, SubscriptionBody, SubscriptionParams } from './schemas.ts';
import { fieldProblems, futureProblems } from './validate.ts';

const tags = ['subscriptions'];

/** For actions whose body is all optional: no body at all means an empty one. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

function requirePending(subscription: Subscription): void {
  if (subscription.status !== 'pending') throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The subscription is ${subscription.status}; only pending requests are decided` });
}

/** The provider's decision on a request, and revocation. */
const subscriptionDecisions: FastifyPluginAsyncTypebox = async (app) => {
  const { clock } = app.subscriptions;
  const service = app.services.subscriptions;

  app.post('/api/v1/subscriptions/:id/approve', {
    config: { action: 'subscriptions:decide' },
    preValidation: emptyBodyAsObject,
    schema: {
      tags,
      summary: 'Approve a pending request (the provider department), possibly for fewer fields than requested',
      params: SubscriptionParams,
      body: ApproveBody,
      response: { 200: SubscriptionBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const subscription = await request.ownedSubscription(request.params.id);
    requirePending(subscription);
    const fields = request.body.fields ?? subscription.requestedFields;
    const now = clock();
    const resource = await app.catalog.repository.get(subscription.resourceId);
    if (!resource) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    refuse([...fieldProblems(resource, fields, 'fields', subscription.requestedFields), ...futureProblems(request.body.expiresAt, 'expiresAt', now)]);
    const decided = await service.approve(request.principal as Principal, subscription, { fields, note: request.body.note ?? null, expiresAt: request.body.expiresAt });
    request.log.info({ subscription: decided.id }, 'subscription approved');
    return present(decided, now);
  });

  app.post('/api/v1/subscriptions/:id/reject', {
    config: { action: 'subscriptions:decide' },
    schema: { tags, summary: 'Reject a pending request, with the reason (the provider department)', params: SubscriptionParams, body: RejectBody, response: { 200: SubscriptionBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const subscription = await request.ownedSubscription(request.params.id);
    requirePending(subscription);
    const decided = await service.reject(request.principal as Principal, subscription, request.body.reason);
    request.log.info({ subscription: decided.id }, 'subscription rejected');
    return present(decided, clock());
  });

  app.post('/api/v1/subscriptions/:id/revoke', {
    config: { action: 'subscriptions:revoke' },
    preValidation: emptyBodyAsObject,
    schema: {
      tags,
      summary: 'Revoke a subscription (its integrator, the provider department or the data office); delivery stops within seconds',
      params: SubscriptionParams,
      body: RevokeBody,
      response: { 200: SubscriptionBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const subscription = await request.ownedSubscription(request.params.id);
    const revoked = await service.revoke(request.principal as Principal, subscription, request.body.reason ?? null);
    request.log.info({ subscription: revoked.id }, 'subscription revoked');
    return present(revoked, clock());
  });
};

export default subscriptionDecisions;
