import type { Worker } from '../kafka/group-consumer.ts';
import { projectionFor, toDeliveredAll } from './delivered-record.ts';
import { auditDelivery, deliverableContext, type DeliveryDependencies } from './delivery.ts';
import { deliveryGroup } from './model.ts';
import { startWebhookWorker } from './webhook-worker.ts';

/**
 * webhook delivery of a subscription: its resource topic's records, projected and masked, posted by the webhook
 * worker (signed batches, retries, parking until POST .../redeliver). Position: consumer group
 * `dx-gateway.sub.<id>`, committed after each delivered batch.
 */
export async function startWebhookDelivery(deps: DeliveryDependencies, subscriptionId: string, topic: string): Promise<Worker> {
  return startWebhookWorker(deps, {
    id: subscriptionId,
    topic,
    groupId: deliveryGroup(subscriptionId),
    secret: deps.secrets.webhookSecret(subscriptionId),
    log: deps.log.child({ subscription: subscriptionId, mode: 'webhook' }),
    async current() {
      const context = await deliverableContext(deps, subscriptionId, 'webhook', topic);
      if (!context) return undefined;
      const projection = projectionFor(context, deps.secrets);
      return {
        url: context.subscription.webhookUrl as string,
        maxAttempts: context.subscription.webhookMaxAttempts ?? deps.webhook.maxAttempts,
        envelope: { subscriptionId, resourceId: context.subscription.resourceId },
        deliver: (messages, partition) => toDeliveredAll(messages, partition, projection, deps.decode),
      };
    },
    // Audited before the first attempt leaves the gateway; a batch that fails every attempt is parked and audited as such.
    audit: (details) => auditDelivery(deps, null, subscriptionId, { mode: 'webhook', ...details }),
    async park({ batchId, ...batch }) {
      await deps.store.park(subscriptionId, batch);
      await deps.audit.record({ principal: null, action: 'subscription.park', object: { type: 'subscription', id: subscriptionId }, details: { batchId, partition: batch.partition, fromOffset: batch.fromOffset, toOffset: batch.toOffset, records: batch.records, attempts: batch.attempts, error: batch.lastError } });
    },
  });
}
