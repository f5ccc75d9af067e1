import type { SourceRecord } from '../../connectors/types.ts';
import type { Connector, RunRecord } from './connector-store.ts';
import { withRetries, type BackoffOptions } from './retry.ts';
import { attemptAtLeastOnce } from './runtime/at-least-once.ts';
import type { RuntimeDependencies } from './runtime/dependencies.ts';
import { dryRun } from './runtime/dry-run.ts';
import { attemptExactlyOnce } from './runtime/exactly-once.ts';
import { ingest } from './runtime/ingest.ts';
import { replay, type QuarantinedRecord } from './runtime/replay.ts';
import { createTargets } from './runtime/targets.ts';

export type { RuntimeDependencies } from './runtime/dependencies.ts';
export type { TestResult } from './runtime/dry-run.ts';
export { DEFAULT_BATCH_SIZE } from './runtime/task-context.ts';

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, attempts: 6 };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Drives connectors through the data path: read → map → validate → encode → produce → commit. Offsets and counts
 * are committed only after the broker acknowledged the batch, so a crash at any point loses nothing; a record
 * may be published twice after a crash, with the same `dx-message-id`.
 */
export function createConnectorRuntime(deps: RuntimeDependencies) {
  const targetFor = createTargets(deps);

  return {
    targetFor,

    /** Runs a pull connector once, retrying transient faults with backoff; resolves with the finished run. */
    async runOnce(connector: Connector, trigger: string, signal: AbortSignal): Promise<RunRecord> {
      const runId = await deps.store.startRun(connector.id, trigger, deps.instanceId);
      const log = deps.log.child({ connector: connector.id, run: runId });
      try {
        const attempt = connector.options.exactlyOnce ? attemptExactlyOnce : attemptAtLeastOnce;
        const { attempts } = await withRetries(() => attempt(deps, targetFor, connector, runId, signal), deps.backoff ?? DEFAULT_BACKOFF, signal, (error, attemptNo, delayMs) =>
          log.warn({ err: error, attempt: attemptNo, delayMs }, 'connector run failed; retrying'),
        );
        await deps.store.finishRun(runId, signal.aborted ? 'aborted' : 'succeeded', null, attempts);
      } catch (error) {
        const attempts = (error as { attempts?: number }).attempts ?? 1;
        log.error({ err: error, attempts }, 'connector run failed');
        await deps.store.finishRun(runId, signal.aborted ? 'aborted' : 'failed', errorText(error), attempts).catch((err: unknown) => log.error({ err }, 'could not record the failed run'));
      }
      return (await deps.store.run(runId)) as RunRecord;
    },

    ingest: (connector: Connector, records: readonly SourceRecord[]) => ingest(deps, targetFor, connector, records),
    replay: (connector: Connector, rejected: QuarantinedRecord[]) => replay(deps, targetFor, connector, rejected),
    test: (connector: Connector, limit: number) => dryRun(deps, connector, limit),
  };
}

export type ConnectorRuntime = ReturnType<typeof createConnectorRuntime>;
