import type { Logger } from 'pino';
import type { Leases } from '../leasing/leases.ts';
import type { Worker } from '../kafka/group-consumer.ts';
import type { DeliveryMode } from './model.ts';
import type { SubscriptionStore } from './store.ts';
import { createLeasedWorkerLoop } from '../leasing/leased-workers.ts';

export interface DeliveryRuntimeOptions {
  store: Pick<SubscriptionStore, 'listDeliverable'>;
  leases: Leases;
  log: Logger;
  clock: () => Date;
  heartbeatMs: number;
  /** Starts the worker of a kafka or webhook subscription reading `topic`. */
  startWorker(subscription: { id: string; deliveryMode: DeliveryMode; topic: string }): Promise<Worker>;
  /** Runs first at every heartbeat, on every instance: expiry, ACL clean-up. */
  housekeeping(): Promise<void>;
}

/**
 * Runs the delivery workers of kafka and webhook subscriptions, each on one instance: a subscription is delivered
 * where its lease (table subscription_leases) is held. The leased-worker loop renews leases, starts what became
 * deliverable (granted, approved, redelivered, a dead instance's), and stops what no longer is (revoked, expired,
 * parked, withdrawn) or whose lease was lost; a new delivery mode or topic restarts the worker. Workers also check
 * their subscription before every batch, so a change made through another instance stops delivery at the next
 * batch at the latest.
 */
export function createDeliveryRuntime(options: DeliveryRuntimeOptions) {
  const loop = createLeasedWorkerLoop({
    leases: options.leases,
    log: options.log,
    heartbeatMs: options.heartbeatMs,
    policy: 'hold-while-running',
    names: { key: 'subscription', worker: 'subscription delivery' },
    housekeeping: options.housekeeping,
    wanted: () => options.store.listDeliverable(options.clock()),
    version: (subscription) => `${subscription.deliveryMode}:${subscription.topic}`,
    start: (subscription) => options.startWorker(subscription),
  });

  return {
    start: () => loop.start(),
    /** Picks up a change made through this instance now rather than at the next heartbeat. */
    refresh: () => loop.refresh(),
    isDelivering: (subscriptionId: string) => loop.has(subscriptionId),
    stop: () => loop.stop(),
  };
}

export type DeliveryRuntime = ReturnType<typeof createDeliveryRuntime>;
