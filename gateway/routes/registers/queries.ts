import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { SubscriptionParams } from '../subscriptions/schemas.ts';
import { BatchLookupAnswer, BatchLookupBody, HolderAnswer, HolderBody, LookupAnswer, LookupBody, QueryUsageAnswer, VerifyAnswer, VerifyBody } from './schemas.ts';

const tags = ['registers'];
const ERRORS = { 409: ErrorBody, 429: ErrorBody, ...AUTHENTICATED_ERRORS };

/** The lookup and verification interface of query subscriptions (docs/registers.md). */
const registerQueries: FastifyPluginAsyncTypebox = async (app) => {
  const { query, usage } = app.registers;
  const { store } = app.subscriptions;

  /** The subscription's id once the principal is shown to be a party of it (the integrator, for queries). */
  async function partyOf(request: FastifyRequest, id: string) {
    const subscription = await store.get(id);
    if (!subscription) throw dxError('DX_ERR_SUBSCRIPTION_NOT_FOUND');
    request.authorize({ principalId: subscription.integratorId, departmentCode: subscription.providerCode }, 'DX_ERR_SUBSCRIPTION_NOT_FOUND');
    return subscription;
  }

  const consume = { action: 'subscriptions:consume' as const };

  app.post('/api/v1/subscriptions/:id/lookup', {
    config: consume,
    schema: { tags, summary: "query subscriptions: the current record of one entity under the subscription's fields and masking; found: false when there is none", params: SubscriptionParams, body: LookupBody, response: { 200: LookupAnswer, ...ERRORS } },
  }, async (request) => {
    const { key, ...accounting } = request.body;
    const subscription = await partyOf(request, request.params.id);
    return (await query.lookup(request.principal as Principal, subscription.id, [key], accounting))[0];
  });

  app.post('/api/v1/subscriptions/:id/lookup/batch', {
    config: consume,
    schema: { tags, summary: 'query subscriptions: the current records of up to 100 entities, in the order of the keys', params: SubscriptionParams, body: BatchLookupBody, response: { 200: BatchLookupAnswer, ...ERRORS } },
  }, async (request) => {
    const { keys, ...accounting } = request.body;
    const subscription = await partyOf(request, request.params.id);
    return { items: await query.lookup(request.principal as Principal, subscription.id, keys, accounting) };
  });

  app.post('/api/v1/subscriptions/:id/verify', {
    config: consume,
    schema: { tags, summary: 'query subscriptions: whether claimed values match the current record, per field match / mismatch / unknown; never the stored value', params: SubscriptionParams, body: VerifyBody, response: { 200: VerifyAnswer, ...ERRORS } },
  }, async (request) => {
    const { key, claims, ...accounting } = request.body;
    const subscription = await partyOf(request, request.params.id);
    return query.verify(request.principal as Principal, subscription.id, key, claims, accounting);
  });

  app.post('/api/v1/subscriptions/:id/licences', {
    config: consume,
    schema: { tags, summary: 'query subscriptions of e-licences: the valid licences of one holder, optionally of one licence type', params: SubscriptionParams, body: HolderBody, response: { 200: HolderAnswer, ...ERRORS } },
  }, async (request) => {
    const { holderCodeType, holderCode, licenceTypeCode, ...accounting } = request.body;
    const subscription = await partyOf(request, request.params.id);
    return query.holder(request.principal as Principal, subscription.id, { codeType: holderCodeType, code: holderCode, licenceTypeCode }, accounting);
  });

  app.get('/api/v1/subscriptions/:id/query-usage', {
    config: { action: 'subscriptions:read' },
    schema: { tags, summary: 'query subscriptions: distinct entities looked up in the current clock hour against the limit, and the alert when queries were refused by it', params: SubscriptionParams, response: { 200: QueryUsageAnswer, ...ERRORS } },
  }, async (request) => {
    const subscription = await partyOf(request, request.params.id);
    const [distinctThisHour, alert] = await Promise.all([usage.entitiesThisHour(subscription.id), usage.alertOf(subscription.id)]);
    return { distinctPerHour: subscription.queryDistinctPerHour ?? query.lookupsPerHour, distinctThisHour, alert };
  });
};

export default registerQueries;
