import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { dxError, type ErrorDetail } from '../../errors.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Subscription } from '../../subscriptions/model.ts';
import { webhookTarget } from '../../subscriptions/webhook-client.ts';
import { dateInShanghai } from '../../subscriptions/working-days.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { present } from './present.ts';
import subscriptionRecords from './records.ts';
import { ApproveBody, CreateSubscriptionBody, ListQuery, RejectBody, RevokeBody, SubscriptionBody, SubscriptionPage, SubscriptionParams } from './schemas.ts';
import { deliveryProblems, fieldProblems, futureProblems } from './validate.ts';

const tags = ['subscriptions'];
const object = (subscription: Subscription) => ({ type: 'subscription', id: subscription.id });

function refuse(problems: ErrorDetail[]): void {
  if (problems.length > 0) throw dxError('DX_ERR_REQUEST_INVALID', { message: problems.map((p) => `${p.path} ${p.message}`).join('; '), details: problems });
}

/** For actions whose body is all optional: no body at all means an empty one. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

function requirePending(subscription: Subscription): void {
  if (subscription.status !== 'pending') throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The subscription is ${subscription.status}; only pending requests are decided` });
}

const subscriptionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, runtime, secrets, clock, workingDays } = app.subscriptions;
  const { repository } = app.catalog;

  app.decorateRequest('ownedSubscription', async function (this: FastifyRequest, id: string): Promise<Subscription> {
    const subscription = await store.get(id);
    if (!subscription) throw dxError('DX_ERR_SUBSCRIPTION_NOT_FOUND');
    this.authorize({ principalId: subscription.integratorId, departmentCode: subscription.providerCode }, 'DX_ERR_SUBSCRIPTION_NOT_FOUND');
    return subscription;
  });

  async function currentResource(subscription: Subscription) {
    const resource = await repository.get(subscription.resourceId);
    if (!resource) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    return resource;
  }

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
    const resource = await repository.get(body.resourceId);
    if (!resource) throw dxError('DX_ERR_REQUEST_INVALID', { message: 'resourceId is not a resource of the catalogue', details: [{ path: 'resourceId', message: 'is not a resource of the catalogue' }] });
    if (resource.sharing.type === 'not-shared') {
      const reason = resource.sharing.condition ?? 'no reason is recorded';
      throw dxError('DX_ERR_SUBSCRIPTION_NOT_SHARED', { message: `Resource ${resource.code} (${resource.name}) is not shared: ${reason}`, details: [{ path: 'resourceId', message: `is not shared: ${reason}` }] });
    }
    const now = clock();
    refuse([...fieldProblems(resource, body.fields, 'fields'), ...deliveryProblems(resource, body.delivery),
      ...(body.queryLimits !== undefined && body.delivery.mode !== 'query' ? [{ path: 'queryLimits', message: 'is for query delivery only' }] : []), ...futureProblems(body.expiresAt, 'expiresAt', now)]);
    if (body.delivery.url !== undefined) {
      const url = new URL(body.delivery.url);
      await app.pipeline.hostGuard.resolve(url.hostname, webhookTarget(url));
    }

    const granted = resource.sharing.type === 'unconditional';
    const subscription = await app.db.transaction(async (client) => {
      const created = await store.create(
        {
          integratorId: principal.id,
          resourceId: resource.id,
          sharingType: resource.sharing.type as Subscription['sharingType'],
          purpose: body.purpose,
          legalBasis: body.legalBasis,
          requestedFields: body.fields,
          deliveryMode: body.delivery.mode,
          webhookUrl: body.delivery.url ?? null,
          webhookMaxAttempts: body.delivery.maxAttempts ?? null,
          expiresAt: body.expiresAt ?? null,
          queryDistinctPerHour: body.queryLimits?.distinctPerHour ?? null,
          granted,
          reply: granted ? null : { countedFrom: dateInShanghai(now), due: workingDays.replyDue(now) },
        },
        client,
      );
      await app.audit.record({ principal, action: 'subscription.request', object: object(created), details: { resourceId: resource.id, resourceCode: resource.code, fields: body.fields, mode: body.delivery.mode, sharingType: resource.sharing.type, replyDue: created.replyDue, replyDueProvisional: created.replyDueProvisionalReason !== null } }, client);
      if (granted) await app.audit.record({ principal: null, action: 'subscription.grant', object: object(created), details: { fields: body.fields, rule: 'unconditional sharing' } }, client);
      return created;
    });
    request.log.info({ subscription: subscription.id, resource: resource.id, status: subscription.status }, 'subscription requested');
    if (granted) await runtime.refresh();
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
    const principal = request.principal as Principal;
    const subscription = await request.ownedSubscription(request.params.id);
    requirePending(subscription);
    const fields = request.body.fields ?? subscription.requestedFields;
    const now = clock();
    refuse([...fieldProblems(await currentResource(subscription), fields, 'fields', subscription.requestedFields), ...futureProblems(request.body.expiresAt, 'expiresAt', now)]);
    const decided = await app.db.transaction(async (client) => {
      const updated = await store.decide(subscription.id, { approve: true, fields, by: principal.id, reason: request.body.note ?? null, expiresAt: request.body.expiresAt }, client);
      if (updated) {
        const withheld = subscription.requestedFields.filter((field) => !fields.includes(field));
        await app.audit.record({ principal, action: 'subscription.approve', object: object(updated), details: { fields, withheld, expiresAt: updated.expiresAt } }, client);
      }
      return updated;
    });
    if (!decided) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: 'The request was decided or revoked meanwhile' });
    request.log.info({ subscription: decided.id }, 'subscription approved');
    await runtime.refresh();
    return present(decided, now);
  });

  app.post('/api/v1/subscriptions/:id/reject', {
    config: { action: 'subscriptions:decide' },
    schema: { tags, summary: 'Reject a pending request, with the reason (the provider department)', params: SubscriptionParams, body: RejectBody, response: { 200: SubscriptionBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const principal = request.principal as Principal;
    const subscription = await request.ownedSubscription(request.params.id);
    requirePending(subscription);
    const decided = await app.db.transaction(async (client) => {
      const updated = await store.decide(subscription.id, { approve: false, fields: null, by: principal.id, reason: request.body.reason }, client);
      if (updated) await app.audit.record({ principal, action: 'subscription.reject', object: object(updated), details: { reason: request.body.reason } }, client);
      return updated;
    });
    if (!decided) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: 'The request was decided or revoked meanwhile' });
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
    const principal = request.principal as Principal;
    const subscription = await request.ownedSubscription(request.params.id);
    const reason = request.body.reason ?? null;
    const revoked = await app.db.transaction(async (client) => {
      const updated = await store.revoke(subscription.id, principal.id, reason, client);
      if (updated) await app.audit.record({ principal, action: 'subscription.revoke', object: object(updated), details: { reason, previousStatus: subscription.status } }, client);
      return updated;
    });
    if (!revoked) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The subscription is already ${subscription.status}` });
    request.log.info({ subscription: revoked.id }, 'subscription revoked');
    await runtime.refresh();
    return present(revoked, clock());
  });

  await app.register(subscriptionRecords);
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The subscription with this id if the caller may act on it under the route's action; 404 otherwise. */
    ownedSubscription(id: string): Promise<Subscription>;
  }
}

export default subscriptionRoutes;
