import { OFFSETS_TOPIC } from '../kafka/connector-offsets.ts';

/**
 * Topics the gateway itself writes, or Kafka keeps for itself: no connector publishes onto them and no catalogue
 * resource is assigned one. A connector writing onto the offsets topic would break every exactly-once connector; onto
 * a subscription topic, it would reach an integrator past the subscription's projection and masking.
 */
const RESERVED: { matches(topic: string): boolean; reason: string }[] = [
  { matches: (topic) => topic === OFFSETS_TOPIC, reason: `${OFFSETS_TOPIC} holds the exactly-once connectors' offsets` },
  { matches: (topic) => topic.startsWith('dx.sub.'), reason: 'dx.sub.* topics are the subscriptions\' own' },
  { matches: (topic) => topic.endsWith('.dlq'), reason: '*.dlq topics are dead-letter topics; the gateway names them after the resource topic' },
  { matches: (topic) => topic.startsWith('__') || topic.startsWith('_'), reason: 'topics starting with _ are kept by Kafka and its tools' },
];

/** Why `topic` is reserved, or undefined when it may be a resource's topic. */
export function reservedTopicReason(topic: string): string | undefined {
  return RESERVED.find((rule) => rule.matches(topic))?.reason;
}
