import type { Logger } from 'pino';
import type { Leases } from '../pipeline/leases.ts';
import type { Worker } from '../kafka/group-consumer.ts';
import type { DeliveryMode } from './model.ts';
import type { SubscriptionStore } from './store.ts';
import { createHeartbeat } from '../pipeline/heartbeat.ts';

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

interface Running {
  key: string;
  worker: Promise<Worker | undefined>;
}

/**
 * Runs the delivery workers of kafka and webhook subscriptions, each on one instance: a subscription is delivered
 * where its lease (table subscription_leases) is held. A heartbeat renews leases, starts what became deliverable
 * (granted, approved, redelivered, a dead instance's), and stops what no longer is (revoked, expired, parked,
 * withdrawn) or whose lease was lost. Workers also check their subscription before every batch, so a change
 * made through another instance stops delivery at the next batch at the latest.
 */
export function createDeliveryRuntime(options: DeliveryRuntimeOptions) {
  const { store, leases, log } = options;
  const running = new Map<string, Running>();
  let stopping = false;

  async function stopWorker(id: string): Promise<void> {
    const entry = running.get(id);
    if (!entry) return;
    running.delete(id);
    const worker = await entry.worker;
    await worker?.stop();
    await leases.release(id).catch((err: unknown) => log.warn({ err, subscription: id }, 'could not release the subscription lease'));
  }

  function start(subscription: { id: string; deliveryMode: DeliveryMode; topic: string }): void {
    const entry: Running = {
      key: `${subscription.deliveryMode}:${subscription.topic}`,
      worker: options.startWorker(subscription).then(
        (worker) => {
          void worker.done.then(() => {
            if (running.get(subscription.id) === entry) {
              running.delete(subscription.id);
              void leases.release(subscription.id).catch(() => undefined);
            }
          });
          return worker;
        },
        (err: unknown) => {
          log.warn({ err, subscription: subscription.id }, 'could not start subscription delivery; retrying at the next heartbeat');
          if (running.get(subscription.id) === entry) running.delete(subscription.id);
          return undefined;
        },
      ),
    };
    running.set(subscription.id, entry);
    log.info({ subscription: subscription.id, mode: subscription.deliveryMode }, 'subscription delivery started');
  }

  async function sync(): Promise<void> {
    await options.housekeeping().catch((err: unknown) => log.warn({ err }, 'subscription housekeeping failed'));
    const held = await leases.renewAll();
    const wanted = new Map((await store.listDeliverable(options.clock())).map((subscription) => [subscription.id, subscription]));
    for (const [id, entry] of [...running]) {
      const subscription = wanted.get(id);
      if (!subscription || !held.has(id) || entry.key !== `${subscription.deliveryMode}:${subscription.topic}`) {
        await stopWorker(id);
        log.info({ subscription: id }, 'subscription delivery stopped');
      }
    }
    for (const subscription of wanted.values()) {
      if (stopping || running.has(subscription.id)) continue;
      if (held.has(subscription.id) || (await leases.acquire(subscription.id))) start(subscription);
    }
  }

  const heartbeat = createHeartbeat(sync, options.heartbeatMs, log, 'subscription runtime');

  return {
    start: () => heartbeat.start(),
    /** Picks up a change made through this instance now rather than at the next heartbeat. */
    refresh: () => heartbeat.refresh(),
    isDelivering: (subscriptionId: string) => running.has(subscriptionId),
    async stop(): Promise<void> {
      stopping = true;
      await heartbeat.stop();
      await Promise.allSettled([...running.keys()].map((id) => stopWorker(id)));
      await leases.releaseAll().catch((err: unknown) => log.warn({ err }, 'could not release subscription leases'));
    },
  };
}

export type DeliveryRuntime = ReturnType<typeof createDeliveryRuntime>;
