import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import { projectionFor } from '../../subscriptions/delivered-record.ts';
import { projectKey } from '../../subscriptions/masking.ts';
import { dateInShanghai } from '../../subscriptions/working-days.ts';
import { AUTHENTICATED_ERRORS, Pagination, Uuid } from '../schemas.ts';
import { DisputeSummaryBody, NoticePage } from './schemas.ts';
import { EMPTY_SUMMARY } from '../../disputes/store.ts';

/** What others learn of disputes: a resource's counts and answer times, and a subscription's confirmed disputes. */
const disputeNotices: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.disputes;
  const { clock, secrets } = app.subscriptions;

  app.get('/api/v1/catalog/resources/:id/disputes', {
    config: { action: 'catalog:read' },
    schema: {
      tags: ['catalog', 'disputes'],
      summary: "A resource's open and overdue disputes and its provider's answer times",
      params: Type.Object({ id: Uuid }),
      response: { 200: DisputeSummaryBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    if (!(await app.catalog.repository.get(request.params.id))) throw dxError('DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
    return (await store.summaries(dateInShanghai(clock()), [request.params.id])).get(request.params.id) ?? EMPTY_SUMMARY;
  });

  app.get('/api/v1/subscriptions/:id/disputes', {
    config: { action: 'subscriptions:notices' },
    schema: {
      tags: ['subscriptions', 'disputes'],
      summary: "Confirmed disputes on the subscription's resource (records corrected at their source), newest first, keys as the subscription receives them",
      params: Type.Object({ id: Uuid }),
      querystring: Type.Composite([Pagination], { additionalProperties: false }),
      response: { 200: NoticePage, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const context = await app.subscriptions.store.deliveryContext(request.params.id);
    if (!context) throw dxError('DX_ERR_SUBSCRIPTION_NOT_FOUND');
    const { subscription } = context;
    request.authorize({ principalId: subscription.integratorId, departmentCode: subscription.providerCode }, 'DX_ERR_SUBSCRIPTION_NOT_FOUND');
    const { limit, offset } = request.query;
    const projection = projectionFor(context, secrets);
    const page = await store.list({ resourceId: subscription.resourceId, status: 'confirmed', limit, offset });
    return {
      items: page.items.map((dispute) => ({
        disputeId: dispute.id,
        key: projectKey(projection, dispute.businessKey),
        fields: dispute.fields,
        confirmedAt: dispute.answeredAt as string,
        note: dispute.answerReason,
        correction: dispute.correction && { partition: dispute.correction.partition, offset: dispute.correction.offset, at: dispute.correction.at },
      })),
      total: page.total,
      limit,
      offset,
    };
  });
};

export default disputeNotices;
