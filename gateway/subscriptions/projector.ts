import { startGroupConsumer, type Worker } from '../kafka/group-consumer.ts';
import { toDeliveredAll, projectionFor, type DeliveredRecord } from './delivered-record.ts';
import { auditDelivery, deliverableContext, type DeliveryDependencies } from './delivery.ts';
import { grantTopicRead, kafkaPrincipalOf } from './kafka-acls.ts';
import { deliveryGroup, subscriptionTopic } from './model.ts';

function toMessage(subscriptionId: string, record: DeliveredRecord) {
  return {
    key: record.key,
    value: JSON.stringify(record.record),
    timestamp: String(Date.parse(record.timestamp)),
    headers: {
      ...(record.messageId === null ? {} : { 'dx-message-id': record.messageId }),
      'dx-subscription': subscriptionId,
      'dx-source-offset': `${record.partition}:${record.offset}`,
    },
  };
}

/**
 * kafka delivery: projects the resource topic into the subscription's own topic (`dx.sub.<id>`), JSON values of
 * the approved, masked fields keyed by the masked key. Consumer group `dx-gateway.sub.<id>` keeps the position:
 * a batch is produced (acks=all), audited, then committed, so a restart resumes where it was and at worst
 * produces a batch twice, with the same dx-message-id headers.
 */
export async function startProjector(deps: DeliveryDependencies, subscriptionId: string, topic: string): Promise<Worker> {
  const target = subscriptionTopic(subscriptionId);
  const log = deps.log.child({ subscription: subscriptionId, mode: 'kafka' });
  const context = await deliverableContext(deps, subscriptionId, 'kafka', topic);
  if (!context) return { done: Promise.resolve(), stop: async () => undefined };
  const acl = await grantTopicRead({ admin: deps.kafka.admin, access: deps.kafkaAccess, log }, context.subscription.kafkaAcl, target, kafkaPrincipalOf(context.subscription.integratorId));
  if (acl !== context.subscription.kafkaAcl) await deps.store.setKafkaAcl(subscriptionId, acl);
  if (acl === 'refused') {
    if (context.subscription.kafkaAcl !== 'refused') log.warn('kafka delivery refused: the cluster has no authorizer and DX_ALLOW_UNSECURED_KAFKA is not set');
    return { done: Promise.resolve(), stop: async () => undefined };
  }
  await Promise.all([deps.kafka.ensureTopic(topic), deps.kafka.ensureTopic(target)]);

  return startGroupConsumer({
    kafka: deps.kafka.client,
    groupId: deliveryGroup(subscriptionId),
    topic,
    onCrash: (err) => log.error({ err }, 'subscription projector stopped'),
    async onBatch({ partition, messages, commit }) {
      const current = await deliverableContext(deps, subscriptionId, 'kafka', topic);
      if (!current) return 'stop';
      const projection = projectionFor(current, deps.secrets);
      const delivered = await toDeliveredAll(messages, partition, projection, deps.decode);
      const first = (messages[0] as { offset: string }).offset;
      const last = (messages.at(-1) as { offset: string }).offset;
      // Audited before the records reach the subscription topic; a batch produced again after a failure is audited again.
      await auditDelivery(deps, null, subscriptionId, { mode: 'kafka', records: delivered.length, skipped: messages.length - delivered.length, topic: target, partition, fromOffset: first, toOffset: last });
      if (delivered.length > 0) await deps.kafka.producer.send({ topic: target, acks: -1, messages: delivered.map((record) => toMessage(subscriptionId, record)) });
      await commit(last);
      return 'continue';
    },
  });
}
