import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.ts';
import { dxError } from '../../errors.ts';
import { auditMirrorDelivery, deliverableRequest, deliverMirrored, unpark } from '../../federation/mirror-delivery.ts';
import type { FederatedDeliveryMode, OutgoingRequest } from '../../federation/outgoing-requests.ts';
import { decodeCursor, encodeCursor, type Positions } from '../../subscriptions/cursor.ts';
import { ndjson, readDeliveredPage } from '../../subscriptions/delivered-page.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { RecordsQuery } from '../subscriptions/schemas.ts';
import { ownedRequest } from './request-delivery.ts';
import { RemoteRequestParams, tags } from './schemas.ts';

function requireMode(request: OutgoingRequest, mode: FederatedDeliveryMode): void {
  if (request.deliveryMode !== mode) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: `The request delivers by ${request.deliveryMode}, not ${mode}` });
}

/** http delivery of a cross-gateway request's mirrored topic (pages, as of an http subscription), and redelivery of a parked webhook batch. */
const requestRecordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reader, clock } = app.subscriptions;
  const deps = { db: app.db, audit: app.audit, outgoing: app.federation.outgoing, clock };

  app.get('/api/v1/federation/requests/:id/records', {
    config: { action: 'federation:requests:consume' },
    schema: {
      tags,
      summary: 'http requests: the next page of the mirrored records as NDJSON, as the owner projected and masked them, each copy once; dx-next-cursor continues it',
      params: RemoteRequestParams,
      querystring: RecordsQuery,
      produces: ['application/x-ndjson'],
      response: { 200: Type.String({ description: 'NDJSON: { messageId, key, partition, offset, timestamp, record } per line' }), 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const found = await ownedRequest(app, request, request.params.id);
    requireMode(found, 'http');
    const ready = await deliverableRequest(deps, found.id, 'http');
    if (!ready) throw dxError('DX_ERR_SUBSCRIPTION_INACTIVE', { message: `The request is not active here: it is ${found.status}`, details: [{ message: `the request is ${found.status}` }] });
    // MirrorMaker creates the topic with its first record; until then the page is empty.
    await app.kafka.ensureTopic(ready.mirroredTopic);
    const from: Positions = request.query.cursor === undefined ? {} : decodeCursor(request.query.cursor, ready.mirroredTopic);
    const page = await readDeliveredPage(reader, ready.mirroredTopic, from, request.query.limit, (messages, partition) => deliverMirrored(app.db, found.id, messages, partition));
    if (page.read > 0) {
      await auditMirrorDelivery(deps, request.principal as Principal, found.id, { mode: 'http', records: page.records.length, skipped: page.read - page.records.length, from, to: page.positions });
    }
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('dx-next-cursor', encodeCursor(ready.mirroredTopic, page.positions))
      .header('dx-records', String(page.records.length))
      .send(ndjson(page.records));
  });

  app.post('/api/v1/federation/requests/:id/redeliver', {
    config: { action: 'federation:requests:redeliver' },
    schema: {
      tags,
      summary: 'webhook requests: deliver the parked batch again, and what follows it',
      params: RemoteRequestParams,
      response: {
        200: Type.Object({ redelivering: Type.Object({ partition: Type.Integer(), fromOffset: Type.String(), toOffset: Type.String(), records: Type.Integer() }) }),
        409: ErrorBody,
        ...AUTHENTICATED_ERRORS,
      },
    },
  }, async (request) => {
    const found = await ownedRequest(app, request, request.params.id);
    requireMode(found, 'webhook');
    const parked = await unpark(app.db, found.id);
    if (!parked) throw dxError('DX_ERR_SUBSCRIPTION_STATE', { message: 'No batch of this request is parked' });
    await app.audit.record({ principal: request.principal, action: 'federation.request.redeliver', object: { type: 'federation-request', id: found.id }, details: parked });
    await app.federation.delivery.refresh();
    return { redelivering: parked };
  });
};

export default requestRecordRoutes;
