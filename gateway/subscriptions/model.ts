import type { SharingType } from '../../catalog/vocabulary.ts';

export const DELIVERY_MODES = ['kafka', 'http', 'webhook', 'query'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** Stored states. A subscription past its `expiresAt` is expired even before the runtime has written so. */
export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'rejected', 'revoked', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The webhook batch delivery waits at after every attempt failed: offsets and counts, never the records. */
export interface ParkedBatch {
  partition: number;
  fromOffset: string;
  toOffset: string;
  records: number;
  attempts: number;
  lastError: string;
  parkedAt: string;
}

export interface Subscription {
  id: string;
  integratorId: string;
  integratorName: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  /** The resource's provider department now (it decides conditional requests). */
  providerCode: string;
  /** The resource's sharing type when requested. */
  sharingType: Exclude<SharingType, 'not-shared'>;
  purpose: string;
  legalBasis: string;
  requestedFields: string[];
  /** Null until granted or approved. */
  approvedFields: string[] | null;
  deliveryMode: DeliveryMode;
  webhookUrl: string | null;
  webhookMaxAttempts: number | null;
  status: SubscriptionStatus;
  replyDue: string | null;
  /** The request's date in Asia/Shanghai, from which the reply's working days are counted. */
  replyCountedFrom: string | null;
  /** Why `replyDue` is provisional (a year without its holiday notice was counted); null when final. */
  replyDueProvisionalReason: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  kafkaAcl: string | null;
  /** query mode: distinct entities it may look up an hour; null: the gateway default (DX_REGISTER_LOOKUPS_PER_HOUR). */
  queryDistinctPerHour: number | null;
  delivered: number;
  lastDeliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
  parked: ParkedBatch | null;
}

/** The per-subscription Kafka topic of kafka delivery. */
export function subscriptionTopic(subscriptionId: string): string {
  return `dx.sub.${subscriptionId}`;
}

/** The consumer group the gateway reads the resource topic with for one subscription (kafka and webhook modes). */
export function deliveryGroup(subscriptionId: string): string {
  return `dx-gateway.sub.${subscriptionId}`;
}

/** Whether the subscription may receive records at `now`. */
export function isActive(subscription: Pick<Subscription, 'status' | 'expiresAt'>, now: Date): boolean {
  return subscription.status === 'active' && (subscription.expiresAt === null || Date.parse(subscription.expiresAt) > now.getTime());
}

/** The state shown: the stored one, except that an active subscription past its expiry is expired. */
export function effectiveStatus(subscription: Pick<Subscription, 'status' | 'expiresAt'>, now: Date): SubscriptionStatus {
  return subscription.status === 'active' && !isActive(subscription, now) ? 'expired' : subscription.status;
}
