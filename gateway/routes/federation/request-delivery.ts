import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { dxError } from '../../errors.ts';
import { mirroredTopic } from '../../federation/mirrored-topic.ts';
import type { NewOutgoingRequest, OutgoingRequest } from '../../federation/outgoing-requests.ts';
import { kafkaPrincipalOf } from '../../subscriptions/kafka-acls.ts';
import type { DeliveryMode } from '../../subscriptions/model.ts';
import { webhookTarget } from '../../subscriptions/webhook-client.ts';
import { refuse } from '../refuse.ts';
import { webhookProblems } from '../subscriptions/validate.ts';
import type { OutgoingBody } from './schemas.ts';

type AskedDelivery = { mode: DeliveryMode; url?: string | undefined; maxAttempts?: number | undefined };

/**
 * Checks a cross-gateway request's delivery as a local subscription's is checked (webhook fields, the URL's host
 * on the allow-list, kafka only on a cluster that enforces ACLs or whose operator allowed it) and answers it; no
 * delivery given is kafka. Register lookups (query) are answered by the owner through signed calls (docs/federation.md).
 */
export async function checkedDelivery(app: FastifyInstance, asked: AskedDelivery | undefined): Promise<NewOutgoingRequest['delivery']> {
  const delivery = asked ?? { mode: 'kafka' as const };
  const { mode } = delivery;
  refuse(webhookProblems(delivery));
  if (mode === 'kafka') await app.subscriptions.kafkaAccess.assertAllowed();
  if (delivery.url !== undefined) {
    const url = new URL(delivery.url);
    await app.pipeline.hostGuard.resolve(url.hostname, webhookTarget(url));
  }
  return { ...delivery, mode };
}

/** The API form of an outgoing request. */
export function presentRequest(request: OutgoingRequest): Static<typeof OutgoingBody> {
  const mirrored = request.topic === null ? null : mirroredTopic(request.peer.instanceId, request.topic);
  const kafka = request.deliveryMode === 'kafka';
  const { deliveryMode, webhookUrl, webhookMaxAttempts, kafkaAcl, delivered, lastDeliveredAt, parked, ...rest } = request;
  return {
    ...rest,
    mirroredTopic: mirrored,
    delivery: {
      mode: deliveryMode,
      url: webhookUrl,
      maxAttempts: webhookMaxAttempts,
      topic: kafka ? mirrored : null,
      consumerGroupPrefix: kafka ? mirrored : null,
      kafkaPrincipal: kafka ? kafkaPrincipalOf(request.integratorId) : null,
      acl: kafkaAcl,
      records: delivered,
      lastDeliveredAt,
      parked,
    },
  };
}

/** The request of `id` when the caller may act on it (its integrator; the data office where the action allows). */
export async function ownedRequest(app: FastifyInstance, request: { authorize: (object: { principalId: string }, notFound: 'DX_ERR_FEDERATION_REQUEST_NOT_FOUND') => void }, id: string): Promise<OutgoingRequest> {
  const found = await app.federation.outgoing.get(id);
  if (!found) throw dxError('DX_ERR_FEDERATION_REQUEST_NOT_FOUND');
  request.authorize({ principalId: found.integratorId }, 'DX_ERR_FEDERATION_REQUEST_NOT_FOUND');
  return found;
}
