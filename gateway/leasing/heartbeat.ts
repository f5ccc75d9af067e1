import type { Logger } from 'pino';

export interface Heartbeat {
  /** Runs the first sync, then one every `intervalMs`. */
  start(): Promise<void>;
  /** Runs a sync that starts after this call, so a change just made is seen now rather than at the next beat. */
  refresh(): Promise<void>;
  /** Stops the beats and waits for a sync in progress. */
  stop(): Promise<void>;
}

/**
 * Calls `sync` on an interval, never two at once; a failed sync is logged and retried at the next beat. Used by
 * the connector scheduler and the subscription runtime to renew leases and follow changes from every instance.
 */
export function createHeartbeat(sync: () => Promise<void>, intervalMs: number, log: Logger, what: string): Heartbeat {
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> | undefined;

  function syncSoon(): Promise<void> {
    syncing ??= sync()
      .catch((err: unknown) => log.warn({ err }, `${what} sync failed; retrying at the next heartbeat`))
      .finally(() => {
        syncing = undefined;
      });
    return syncing;
  }

  return {
    async start() {
      await syncSoon();
      timer = setInterval(() => void syncSoon(), intervalMs);
      timer.unref();
    },
    async refresh() {
      // A sync already running may have read the state before the change; run one more after it.
      if (syncing) await syncing;
      await syncSoon();
    },
    async stop() {
      clearInterval(timer);
      await syncing;
    },
  };
}
