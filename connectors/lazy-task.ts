import type { ConnectorTask } from './types.ts';

/**
 * A task whose module (and the heavy libraries it imports) is loaded on first use, so a gateway pays in memory
 * only for the connector types it runs.
 */
export function lazyTask(load: () => Promise<ConnectorTask>): ConnectorTask {
  let task: Promise<ConnectorTask> | undefined;
  let closed = false;
  const loaded = () => (task ??= load());
  return {
    async check() {
      return (await loaded()).check();
    },
    async *read() {
      const inner = await loaded();
      if (closed) return;
      yield* inner.read();
    },
    async close() {
      closed = true;
      if (task) await (await task).close();
    },
  };
}
