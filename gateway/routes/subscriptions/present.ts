import type { Static } from '@sinclair/typebox';
import { kafkaPrincipalOf } from '../../subscriptions/kafka-acls.ts';
import { effectiveStatus, subscriptionTopic, type Subscription } from '../../subscriptions/model.ts';
import { isOverdue } from '../../subscriptions/working-days.ts';
import type { SubscriptionBody } from './schemas.ts';

/** The API form of a subscription as of `now`. */
export function present(subscription: Subscription, now: Date): Static<typeof SubscriptionBody> {
  const kafka = subscription.deliveryMode === 'kafka';
  const status = effectiveStatus(subscription, now);
  return {
    id: subscription.id,
    resource: { id: subscription.resourceId, code: subscription.resourceCode, name: subscription.resourceName, providerCode: subscription.providerCode },
    integrator: { id: subscription.integratorId, name: subscription.integratorName },
    sharingType: subscription.sharingType,
    purpose: subscription.purpose,
    legalBasis: subscription.legalBasis,
    requestedFields: subscription.requestedFields,
    approvedFields: subscription.approvedFields,
    status,
    replyDue: subscription.replyDue,
    replyDueProvisional: subscription.replyDueProvisionalReason !== null,
    replyDueReason: subscription.replyDueProvisionalReason,
    overdue: status === 'pending' && subscription.replyDue !== null && isOverdue(subscription.replyDue, now),
    decision: subscription.decidedAt === null ? null : { at: subscription.decidedAt, by: subscription.decidedBy, reason: subscription.decisionReason },
    expiresAt: subscription.expiresAt,
    revocation: subscription.revokedAt === null ? null : { at: subscription.revokedAt, by: subscription.revokedBy as string, reason: subscription.revokeReason },
    delivery: {
      mode: subscription.deliveryMode,
      url: subscription.webhookUrl,
      maxAttempts: subscription.webhookMaxAttempts,
      topic: kafka ? subscriptionTopic(subscription.id) : null,
      consumerGroupPrefix: kafka ? subscriptionTopic(subscription.id) : null,
      kafkaPrincipal: kafka ? kafkaPrincipalOf(subscription.integratorId) : null,
      acl: subscription.kafkaAcl,
      records: subscription.delivered,
      lastDeliveredAt: subscription.lastDeliveredAt,
      parked: subscription.parked,
    },
    queryLimits: subscription.queryDistinctPerHour === null ? null : { distinctPerHour: subscription.queryDistinctPerHour },
    createdAt: subscription.createdAt,
    updatedAt: subscription.updatedAt,
  };
}
