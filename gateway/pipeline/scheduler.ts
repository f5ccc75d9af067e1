import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Connector, ConnectorStore } from './connector-store.ts';
import type { Leases } from './leases.ts';
import type { ConnectorRuntime } from './runtime.ts';
import { createHeartbeat } from './heartbeat.ts';

export interface SchedulerOptions {
  store: ConnectorStore;
  leases: Leases;
  runtime: ConnectorRuntime;
  log: Logger;
  /** How often leases are renewed and connector changes and run requests are picked up. */
  heartbeatMs: number;
}

interface Scheduled {
  connector: Connector;
  job: ScheduledTask;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Schedules every active pull connector with node-cron, on every instance; a tick runs the connector only where
 * this instance holds (or can take) its lease, and never while a run of it is still going. A heartbeat renews
 * leases, follows changes made through any instance (new, changed, paused, deleted connectors) and starts runs
 * requested with "run now".
 */
export function createScheduler(options: SchedulerOptions) {
  const { store, leases, runtime, log } = options;
  const scheduled = new Map<string, Scheduled>();
  const running = new Map<string, Running>();
  let stopping = false;

  function start(connector: Connector, trigger: string): void {
    if (stopping || running.has(connector.id)) return;
    const controller = new AbortController();
    const done = runtime
      .runOnce(connector, trigger, controller.signal)
      .then((run) => log.info({ connector: connector.id, run: run.id, status: run.status, read: run.read, published: run.published, rejected: run.rejected }, 'connector run finished'))
      .catch((err: unknown) => log.error({ err, connector: connector.id }, 'connector run could not be recorded'))
      .finally(() => running.delete(connector.id));
    running.set(connector.id, { controller, done });
  }

  async function tick(connectorId: string, trigger: string): Promise<void> {
    const entry = scheduled.get(connectorId);
    if (!entry || running.has(connectorId)) return;
    try {
      if (await leases.acquire(connectorId)) start(entry.connector, trigger);
    } catch (err) {
      log.warn({ err, connector: connectorId }, 'could not take the connector lease; skipping this tick');
    }
  }

  function unschedule(connectorId: string): void {
    scheduled.get(connectorId)?.job.destroy();
    scheduled.delete(connectorId);
    running.get(connectorId)?.controller.abort();
  }

  function schedule(connector: Connector): void {
    unschedule(connector.id);
    const job = cron.schedule(connector.schedule as string, () => tick(connector.id, 'schedule'), { name: connector.id });
    scheduled.set(connector.id, { connector, job });
  }

  async function sync(): Promise<void> {
    const held = await leases.renewAll();
    const connectors = await store.listRunnable();
    const seen = new Set<string>();
    for (const connector of connectors) {
      seen.add(connector.id);
      const current = scheduled.get(connector.id);
      if (connector.state !== 'active') {
        if (current) {
          unschedule(connector.id);
          await leases.release(connector.id);
        }
        continue;
      }
      if (!current || current.connector.updatedAt !== connector.updatedAt) schedule(connector);
      else current.connector = connector;
      if (connector.runRequestedAt !== null && (held.has(connector.id) || (await leases.acquire(connector.id)))) {
        await store.clearRunRequest(connector.id);
        start(connector, 'manual');
      }
    }
    for (const id of scheduled.keys()) if (!seen.has(id)) unschedule(id);
  }

  const heartbeat = createHeartbeat(sync, options.heartbeatMs, log, 'scheduler');

  return {
    start: () => heartbeat.start(),
    /** Picks up a change made through this instance now rather than at the next heartbeat. */
    refresh: () => heartbeat.refresh(),
    isRunning: (connectorId: string) => running.has(connectorId),
    async stop(): Promise<void> {
      stopping = true;
      await heartbeat.stop();
      for (const id of [...scheduled.keys()]) unschedule(id);
      await Promise.allSettled([...running.values()].map((run) => run.done));
      await leases.releaseAll().catch((err: unknown) => log.warn({ err }, 'could not release connector leases'));
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
