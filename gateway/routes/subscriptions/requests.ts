import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { webhookTarget } from '../../subscriptions/webhook-client.ts';
import { dateInShanghai } from '../../subscriptions/working-days.ts';
import { refuse } from '../refuse.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { present } from './present.ts';
import { CreateSubscriptionBody, ListQuery, SubscriptionBody, SubscriptionPage, SubscriptionParams } from './schemas.ts';
import { deliveryProblems, fieldProblems, futureProblems } from './validate.ts';

const tags = ['subscriptions'];

/** Requesting a resource, and reading subscriptions. */
const subscriptionRequests: FastifyPluginAsyncTypebox = async (app) => {
  const { store, secrets, clock, workingDays } = app.subscriptions;
  const service = app.services.subscriptions;

  app.post('/api/v1/subscriptions', {
    config: { action: 'subscriptions:request' },
    schema: {
      tags,
      summary: 'Request a resource: unconditional resources are granted at once, conditional ones wait for the provider (10 working days); not-shared ones are refused',
      body: CreateSubscriptionBody,
      response: { 201: SubscriptionBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const principal = request.principal as Principal;
    const body = request.body;
    const resource = await app.catalog.repository.get(body.resourceId);
    if (!resource) throw dxError('DX_ERR_REQUEST_INVALID', { message: 'resourceId is not a resource of the catalogue', details: [{ path: 'resourceId', message: 'is not a resource of the catalogue' }] });
    if (resource.sharing.type === 'not-shared') {
      const reason = resource.sharing.condition ?? 'no reason is recorded';
      throw dxError('DX_ERR_SUBSCRIPTION_NOT_SHARED', { message: `Resource ${resource.code} (${resource.name}) is not shared: ${reason}`, details: [{ path: 'resourceId', message: `is not shared: ${reason}` }] });
    }
    const now = clock();
    refuse([...fieldProblems(resource, body.fields, 'fields'), ...deliveryProblems(resource, body.delivery),
      ...(body.queryLimits !== undefined && body.delivery.mode !== 'query' ? [{ path: 'queryLimits', message: 'is for query delivery only' }] : []), ...futureProblems(body.expiresAt, 'expiresAt', now)]);
    if (body.delivery.mode === 'kafka') await app.subscriptions.kafkaAccess.assertAllowed();
    if (body.delivery.url !== undefined) {
      const url = new URL(body.delivery.url);
      await app.pipeline.hostGuard.resolve(url.hostname, webhookTarget(url));
    }
    const subscription = await service.request(principal, resource, {
      purpose: body.purpose,
      legalBasis: body.legalBasis,
      requestedFields: body.fields,
      deliveryMode: body.delivery.mode,
      webhookUrl: body.delivery.url ?? null,
      webhookMaxAttempts: body.delivery.maxAttempts ?? null,
      expiresAt: body.expiresAt ?? null,
      queryDistinctPerHour: body.queryLimits?.distinctPerHour ?? null,
      reply: resource.sharing.type === 'unconditional' ? null : { countedFrom: dateInShanghai(now), due: workingDays.replyDue(now) },
    });
    request.log.info({ subscription: subscription.id, resource: resource.id, status: subscription.status }, 'subscription requested');
    const answer = present(subscription, now);
    return reply.status(201).send(subscription.deliveryMode === 'webhook' ? { ...answer, webhookSecret: secrets.webhookSecret(subscription.id) } : answer);
  });

  app.get('/api/v1/subscriptions', {
    config: { action: 'subscriptions:list' },
    schema: {
      tags,
      summary: "List subscriptions: an integrator its own, a department those to its resources, the data office all; newest first",
      querystring: ListQuery,
      response: { 200: SubscriptionPage, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const principal = request.principal as Principal;
    const { limit, offset, status, resourceId, overdue } = request.query;
    const now = clock();
    const page = await store.list({
      integratorId: principal.kind === 'integrator' ? principal.id : undefined,
      providerCode: principal.kind === 'department' ? (principal.departmentCode as string) : undefined,
      resourceId,
      status,
      overdueOn: overdue ? dateInShanghai(now) : undefined,
      now,
      limit,
      offset,
    });
    return { items: page.items.map((item) => present(item, now)), total: page.total, limit, offset };
  });

  app.get('/api/v1/subscriptions/:id', {
    config: { action: 'subscriptions:read' },
    schema: { tags, summary: 'A subscription with its decision, deadline and delivery state', params: SubscriptionParams, response: { 200: SubscriptionBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => present(await request.ownedSubscription(request.params.id), clock()));
};

export default subscriptionRequests;
