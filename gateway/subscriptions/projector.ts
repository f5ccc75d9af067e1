import type { Logger } from 'pino';
import { startGroupConsumer, type Worker } from '../kafka/group-consumer.ts';
import { allowTopicRead } from '../kafka/topic-acls.ts';
import { toDelivered, projectionFor, type DeliveredRecord } from './delivered-record.ts';
import { auditDelivery, deliverableContext, type DeliveryDependencies } from './delivery.ts';
import { kafkaPrincipalOf } from './kafka-acls.ts';
import { deliveryGroup, subscriptionTopic, type Subscription } from './model.ts';

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
 * The subscription topic's protection, as `delivery.acl` shows it: `applied` (the integrator's principal alone may
 * read it; set once), `failed` (setting the ACLs failed: nobody but super users reads it, retried at the next start),
 * `no-authorizer` (every client may read it: DX_ALLOW_UNSECURED_KAFKA allowed that) or `refused` (no authorizer and
 * no such permission: nothing is delivered; judged again at every start).
 */
async function aclState(deps: DeliveryDependencies, subscription: Subscription, target: string, log: Logger): Promise<string> {
  if (subscription.kafkaAcl === 'applied') return 'applied';
  const access = await deps.kafkaAccess.state();
  if (access === 'unsecured-refused') return 'refused';
  if (access === 'unsecured-allowed') return 'no-authorizer';
  try {
    await allowTopicRead(deps.kafka.admin, target, kafkaPrincipalOf(subscription.integratorId));
    return 'applied';
  } catch (err) {
    log.warn({ err }, 'could not set the ACLs of the subscription topic');
    return 'failed';
  }
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
  const acl = await aclState(deps, context.subscription, target, log);
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
      const delivered = (await Promise.all(messages.map((message) => toDelivered(message, partition, projection, deps.decode)))).filter((record) => record !== undefined);
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
