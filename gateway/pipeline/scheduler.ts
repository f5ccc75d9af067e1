import cron from 'node-cron';
import type { Logger } from 'pino';
import type { Connector, ConnectorStore } from './connector-store.ts';
import type { Leases } from '../leasing/leases.ts';
import type { ConnectorRuntime } from './runtime.ts';
import { createLeasedWorkerLoop, type Lease } from '../leasing/leased-workers.ts';

export interface SchedulerOptions {
  store: ConnectorStore;
  leases: Leases;
  runtime: ConnectorRuntime;
  log: Logger;
  /** How often leases are renewed and connector changes and run requests are picked up. */
  heartbeatMs: number;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Schedules every active pull connector with node-cron, on every instance; a tick runs the connector only where
 * this instance holds (or can take) its lease, and never while a run of it is still going. The leased-worker loop
 * renews leases, follows changes made through any instance (new, changed, paused, deleted connectors) and, through
 * `onSync`, starts runs requested with "run now".
 */
export function createScheduler(options: SchedulerOptions) {
  const { store, runtime, log } = options;
  const latest = new Map<string, Connector>();
  const running = new Map<string, Running>();
  let stopping = false;

  function run(connector: Connector, trigger: string): void {
    if (stopping || running.has(connector.id)) return;
    const controller = new AbortController();
    const done = runtime
      .runOnce(connector, trigger, controller.signal)
      .then((run) => log.info({ connector: connector.id, run: run.id, status: run.status, read: run.read, published: run.published, rejected: run.rejected }, 'connector run finished'))
      .catch((err: unknown) => log.error({ err, connector: connector.id }, 'connector run could not be recorded'))
      .finally(() => running.delete(connector.id));
    running.set(connector.id, { controller, done });
  }

  async function tick(connectorId: string, lease: Lease): Promise<void> {
    const connector = latest.get(connectorId);
    if (!connector || running.has(connectorId)) return;
    try {
      if (await lease.acquire()) run(connector, 'schedule');
    } catch (err) {
      log.warn({ err, connector: connectorId }, 'could not take the connector lease; skipping this tick');
    }
  }

  const loop = createLeasedWorkerLoop<Connector>({
    leases: options.leases,
    log,
    heartbeatMs: options.heartbeatMs,
    policy: 'take-when-working',
    names: { key: 'connector', worker: 'connector schedule' },
    wanted: async () => (await store.listRunnable()).filter((connector) => connector.state === 'active'),
    version: (connector) => String(connector.updatedAt),
    start(connector, lease) {
      latest.set(connector.id, connector);
      const job = cron.schedule(connector.schedule as string, () => tick(connector.id, lease), { name: connector.id });
      return {
        stop() {
          job.destroy();
          latest.delete(connector.id);
          running.get(connector.id)?.controller.abort();
        },
      };
    },
    async onSync(connector, lease) {
      latest.set(connector.id, connector);
      if (connector.runRequestedAt !== null && (lease.held || (await lease.acquire()))) {
        await store.clearRunRequest(connector.id);
        run(connector, 'manual');
      }
    },
    drain: async () => {
      await Promise.allSettled([...running.values()].map((entry) => entry.done));
    },
  });

  return {
    start: () => loop.start(),
    /** Picks up a change made through this instance now rather than at the next heartbeat. */
    refresh: () => loop.refresh(),
    isRunning: (connectorId: string) => running.has(connectorId),
    async stop(): Promise<void> {
      stopping = true;
      await loop.stop();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
