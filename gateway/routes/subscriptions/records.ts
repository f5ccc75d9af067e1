import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Positions } from '../../subscriptions/cursor.ts';
import { projectionFor, toDeliveredAll } from '../../subscriptions/delivered-record.ts';
import { auditDelivery, deliverableContext, type ReadyContext } from '../../subscriptions/delivery.ts';
import { effectiveStatus, type DeliveryMode, type Subscription } from '../../subscriptions/model.ts';
import { ndjson, readDeliveredPage } from '../../subscriptions/delivered-page.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { RecordsQuery, StreamQuery, SubscriptionParams } from './schemas.ts';
import { openStream } from './stream.ts';

const tags = ['subscriptions'];

function requireMode(subscription: Subscription, mode: DeliveryMode): void {
  if (subscription.deliveryMode !== mode) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The subscription delivers by ${subscription.deliveryMode}, not ${mode}` });
}

/** The pull and stream routes of http subscriptions, and redelivery of parked webhook batches. */
const subscriptionRecords: FastifyPluginAsyncTypebox = async (app) => {
  const { store, runtime, secrets, reader, clock } = app.subscriptions;
  const deps = { db: app.db, store, audit: app.audit, clock };

  async function activeHttp(request: FastifyRequest, id: string): Promise<ReadyContext> {
    const subscription = await request.ownedSubscription(id);
    requireMode(subscription, 'http');
    const context = await deliverableContext(deps, subscription.id, 'http');
    if (!context) throw dxError('DX_ERR_SUBSCRIPTION_INACTIVE', { details: [{ message: `the subscription is ${effectiveStatus(subscription, clock())}` }] });
    // A resource nothing was published to yet may have no topic on the broker; reading it then finds it empty.
    await app.kafka.ensureTopic(context.resource.topic);
    return context;
  }

  app.get('/api/v1/subscriptions/:id/records', {
    config: { action: 'subscriptions:consume' },
    schema: {
      tags,
      summary: 'http subscriptions: the next page of records as NDJSON, one delivered record a line; dx-next-cursor continues it',
      params: SubscriptionParams,
      querystring: RecordsQuery,
      produces: ['application/x-ndjson'],
      response: { 200: Type.String({ description: 'NDJSON: { messageId, key, partition, offset, timestamp, record } per line' }), 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const context = await activeHttp(request, request.params.id);
    const topic = context.resource.topic;
    const from: Positions = request.query.cursor === undefined ? {} : decodeCursor(request.query.cursor, topic);
    const projection = projectionFor(context, secrets);
    const page = await readDeliveredPage(reader, topic, from, request.query.limit, (messages, partition) => toDeliveredAll(messages, partition, projection, app.subscriptions.decode));
    const { records } = page;
    if (page.read > 0) {
      await auditDelivery(deps, request.principal as Principal, context.subscription.id, { mode: 'http', records: records.length, skipped: page.read - records.length, from, to: page.positions });
    }
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('dx-next-cursor', encodeCursor(topic, page.positions))
      .header('dx-records', String(records.length))
      .send(ndjson(records));
  });

  app.get('/api/v1/subscriptions/:id/stream', {
    config: { action: 'subscriptions:consume' },
    schema: {
      tags,
      summary: 'http subscriptions: server-sent events, one "record" event per record with its cursor as id; "end" when the subscription stops',
      params: SubscriptionParams,
      querystring: StreamQuery,
      produces: ['text/event-stream'],
      response: { 200: Type.String({ description: 'text/event-stream' }), 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const context = await activeHttp(request, request.params.id);
    const topic = context.resource.topic;
    const lastEventId = request.headers['last-event-id'];
    const cursor = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : request.query.cursor;
    const from: Positions = cursor === undefined ? {} : decodeCursor(cursor, topic);
    await openStream(app, request, reply, context, from);
  });

  app.post('/api/v1/subscriptions/:id/redeliver', {
    config: { action: 'subscriptions:redeliver' },
    schema: {
      tags,
      summary: 'webhook subscriptions: deliver the parked batch again, and what follows it',
      params: SubscriptionParams,
      response: {
        200: Type.Object({ redelivering: Type.Object({ partition: Type.Integer(), fromOffset: Type.String(), toOffset: Type.String(), records: Type.Integer() }) }),
        409: ErrorBody,
        ...AUTHENTICATED_ERRORS,
      },
    },
  }, async (request) => {
    const subscription = await request.ownedSubscription(request.params.id);
    requireMode(subscription, 'webhook');
    const parked = await store.unpark(subscription.id);
    if (!parked) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: 'No batch of this subscription is parked' });
    await app.audit.record({ principal: request.principal, action: 'subscription.redeliver', object: { type: 'subscription', id: subscription.id }, details: parked });
    request.log.info({ subscription: subscription.id, ...parked }, 'parked webhook batch released for redelivery');
    await runtime.refresh();
    return { redelivering: parked };
  });
};

export default subscriptionRecords;
