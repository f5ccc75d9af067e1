import type { Logger } from 'pino';
import type { KafkaService } from '../plugins/kafka.ts';
import { subscriptionTopic } from './model.ts';
import type { SubscriptionStore } from './store.ts';

const PREFIX = subscriptionTopic('');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AT_MOST_EVERY_MS = 60_000;

/**
 * Deletes the `dx.sub.<id>` topics of kafka subscriptions revoked or expired more than `graceMs` ago (the grace lets an
 * integrator's own consumers drain what was delivered before). Starts from the topics the cluster has, so the cost is
 * bounded by them, and a topic of a subscription this gateway does not know (another deployment's) is never touched.
 * Runs at most once a minute, or once per grace period when that is shorter.
 */
export function createTopicSweep(deps: { kafka: Pick<KafkaService, 'topicsStartingWith' | 'deleteTopics'>; store: Pick<SubscriptionStore, 'closedBefore'>; clock: () => Date; graceMs: number; log: Logger }) {
  let last = -Infinity;
  return async function sweep(): Promise<void> {
    if (Date.now() - last < Math.min(AT_MOST_EVERY_MS, deps.graceMs)) return;
    last = Date.now();
    const ids = (await deps.kafka.topicsStartingWith(PREFIX)).map((topic) => topic.slice(PREFIX.length)).filter((id) => UUID.test(id));
    if (ids.length === 0) return;
    const due = await deps.store.closedBefore(ids, new Date(deps.clock().getTime() - deps.graceMs));
    if (due.length === 0) return;
    await deps.kafka.deleteTopics(due.map(subscriptionTopic));
    deps.log.info({ subscriptions: due, graceMs: deps.graceMs }, 'topics of closed kafka subscriptions deleted after their grace period');
  };
}
