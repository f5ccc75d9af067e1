import type { Connector } from '../connector-store.ts';
import type { RuntimeDependencies } from './dependencies.ts';
import { createOrderedWindow } from './ordered-window.ts';
import type { TargetFor } from './targets.ts';
import { createPullTask } from './task-context.ts';

/**
 * One at-least-once attempt: a fresh task from the committed offsets (PostgreSQL), read to the end through the
 * ordered window, each batch committed after the broker acknowledged it.
 */
export async function attemptAtLeastOnce(deps: RuntimeDependencies, targetFor: TargetFor, connector: Connector, runId: number, signal: AbortSignal): Promise<void> {
  const target = await targetFor(connector);
  const offsets = await deps.store.offsets(connector.id);
  const task = createPullTask(deps, connector, offsets, signal);
  const window = createOrderedWindow(deps.prepare, deps.producer, target, (published) => deps.store.commitBatch(connector.id, runId, published));
  try {
    for await (const records of task.read()) {
      if (signal.aborted) break;
      if (records.length === 0) continue;
      await window.add(records);
    }
    await window.drain();
  } finally {
    await task.close();
  }
}
