import type { Logger } from 'pino';
import { createHeartbeat } from './heartbeat.ts';
import type { Leases } from './leases.ts';

/** One item's lease, as its worker sees it. */
export interface Lease {
  readonly id: string;
  /** True when this instance held the lease at the last renewal (the start of the current or last sync). */
  readonly held: boolean;
  /** Takes the lease when it is free or expired; true when this instance holds it now (newly or already). */
  acquire(): Promise<boolean>;
}

export interface LeasedWorker {
  /** Stops the worker. The loop waits for it before it releases the lease or starts a replacement. */
  stop(): Promise<void> | void;
  /** Settles when the worker ends on its own; the loop then forgets it and releases its lease. */
  readonly done?: Promise<void>;
}

/**
 * - `hold-while-running`: the loop takes the lease before it starts a worker and stops the worker when the lease
 *   is lost. For long-lived workers that must never run twice (a subscription's delivery).
 * - `take-when-working`: a worker runs on every instance and takes the lease itself when it has work (a cron tick
 *   of a pull connector); a lease once taken is renewed until the item goes away or the loop stops.
 */
export type LeasePolicy = 'hold-while-running' | 'take-when-working';

export interface LeasedWorkerLoopOptions<T extends { id: string }> {
  leases: Leases;
  log: Logger;
  heartbeatMs: number;
  policy: LeasePolicy;
  /** Names used in logs: the log field of an item's id, and what a worker is ('subscription delivery'). */
  names: { key: string; worker: string };
  /** Runs first at every heartbeat, on every instance, whatever leases it holds; a failure is logged. */
  housekeeping?(): Promise<void>;
  /** The items that should have a worker now, on some instance. */
  wanted(): Promise<readonly T[]>;
  /** A worker is replaced (under the same lease) when its item's version changes. */
  version(item: T): string;
  /** Starts an item's worker; a failure is logged and the start retried at the next heartbeat. */
  start(item: T, lease: Lease): LeasedWorker | Promise<LeasedWorker>;
  /** Runs at every heartbeat for each wanted item that has a worker here (also right after its start). */
  onSync?(item: T, lease: Lease): Promise<void>;
  /** Runs on stop after every worker has stopped and before the leases are released (to let work in flight end). */
  drain?(): Promise<void>;
}

interface Entry {
  version: string;
  worker: Promise<LeasedWorker | undefined>;
}

/**
 * The leased-worker loop every "one instance does it" job shares (pull connectors, subscription deliveries, and
 * next registers and federation harvests): a heartbeat renews this instance's leases, compares the wanted items
 * with the workers running here, stops what is no longer wanted (releasing its lease), replaces what changed,
 * and starts what is new under the lease policy. Stopping the loop stops every worker, waits for `drain`, and
 * releases every lease this instance holds, so another instance takes over at its next heartbeat rather than
 * after the lease expires. An instance that dies leaves its leases to expire (DX_LEASE_TTL_MS).
 */
export function createLeasedWorkerLoop<T extends { id: string }>(options: LeasedWorkerLoopOptions<T>) {
  const { leases, log, names } = options;
  const entries = new Map<string, Entry>();
  let held = new Set<string>();
  let stopping = false;

  const leaseOf = (id: string): Lease => ({ id, get held() { return held.has(id); }, acquire: () => leases.acquire(id) });

  function release(id: string): Promise<void> {
    held.delete(id);
    return leases.release(id).catch((err: unknown) => log.warn({ err, [names.key]: id }, `could not release the lease of a ${names.worker}`));
  }

  async function stopWorker(id: string, then: 'release' | 'keep'): Promise<void> {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    const worker = await entry.worker;
    await worker?.stop();
    if (then === 'release') await release(id);
  }

  function start(item: T): void {
    const entry: Entry = { version: options.version(item), worker: Promise.resolve(undefined) };
    entries.set(item.id, entry);
    entry.worker = (async () => options.start(item, leaseOf(item.id)))().then(
      (worker) => {
        void worker.done?.then(() => {
          if (entries.get(item.id) !== entry) return;
          entries.delete(item.id);
          void release(item.id);
        });
        return worker;
      },
      (err: unknown) => {
        log.warn({ err, [names.key]: item.id }, `could not start the ${names.worker}; retrying at the next heartbeat`);
        if (entries.get(item.id) === entry) entries.delete(item.id);
        return undefined;
      },
    );
    log.info({ [names.key]: item.id }, `${names.worker} started`);
  }

  async function sync(): Promise<void> {
    await options.housekeeping?.().catch((err: unknown) => log.warn({ err }, `${names.worker} housekeeping failed`));
    held = await leases.renewAll();
    const wanted = new Map((await options.wanted()).map((item) => [item.id, item]));
    for (const [id, entry] of [...entries]) {
      const item = wanted.get(id);
      const leaseLost = options.policy === 'hold-while-running' && !held.has(id);
      if (!item || leaseLost) await stopWorker(id, 'release');
      else if (entry.version !== options.version(item)) await stopWorker(id, 'keep');
      else continue;
      log.info({ [names.key]: id }, `${names.worker} stopped`);
    }
    for (const item of wanted.values()) {
      if (stopping) return;
      if (!entries.has(item.id)) {
        const mayStart = options.policy === 'take-when-working' || held.has(item.id) || (await leases.acquire(item.id));
        if (!mayStart) continue;
        start(item);
      }
      await options.onSync?.(item, leaseOf(item.id));
    }
  }

  const heartbeat = createHeartbeat(sync, options.heartbeatMs, log, names.worker);

  return {
    start: () => heartbeat.start(),
    /** Picks up a change made through this instance now rather than at the next heartbeat. */
    refresh: () => heartbeat.refresh(),
    /** True while this instance runs a worker for the item. */
    has: (id: string) => entries.has(id),
    async stop(): Promise<void> {
      stopping = true;
      await heartbeat.stop();
      await Promise.allSettled([...entries.keys()].map((id) => stopWorker(id, 'keep')));
      await options.drain?.();
      await leases.releaseAll().catch((err: unknown) => log.warn({ err }, `could not release the leases of ${names.worker}s`));
    },
  };
}

export type LeasedWorkerLoop = ReturnType<typeof createLeasedWorkerLoop>;
