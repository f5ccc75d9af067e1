import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { dxError } from '../../errors.ts';
import type { Subscription } from '../../subscriptions/model.ts';
import subscriptionDecisions from './decisions.ts';
import subscriptionRecords from './records.ts';
import subscriptionRequests from './requests.ts';

const subscriptionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.subscriptions;

  app.decorateRequest('ownedSubscription', async function (this: FastifyRequest, id: string): Promise<Subscription> {
    const subscription = await store.get(id);
    if (!subscription) throw dxError('DX_ERR_SUBSCRIPTION_NOT_FOUND');
    this.authorize({ principalId: subscription.integratorId, departmentCode: subscription.providerCode }, 'DX_ERR_SUBSCRIPTION_NOT_FOUND');
    return subscription;
  });

  await app.register(subscriptionRequests);
  await app.register(subscriptionDecisions);
  await app.register(subscriptionRecords);
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The subscription with this id if the caller may act on it under the route's action; 404 otherwise. */
    ownedSubscription(id: string): Promise<Subscription>;
  }
}

export default subscriptionRoutes;
