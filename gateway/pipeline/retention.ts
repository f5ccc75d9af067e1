import type { Logger } from 'pino';
import type { Db } from '../plugins/db.ts';

export interface RetentionDays {
  quarantine: number;
  idempotency: number;
  runs: number;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Deletes what is kept only for a while: quarantined records, stored push answers (with claims left unanswered)
 * and finished runs older than their retention. Each DELETE is idempotent by age, so instances purging at the same
 * time only delete the same rows once; a run still running is never deleted.
 */
export function createRetention(db: Db, days: RetentionDays, log: Logger) {
  let timer: NodeJS.Timeout | undefined;

  async function purge(): Promise<{ rejectedRecords: number; ingestRequests: number; runs: number }> {
    const older = (column: string) => `${column} < now() - make_interval(days => $1::int)`;
    const [rejected, ingest, runs] = await Promise.all([
      db.query(`DELETE FROM rejected_records WHERE ${older('created_at')}`, [days.quarantine]),
      db.query(`DELETE FROM ingest_requests WHERE ${older('created_at')}`, [days.idempotency]),
      db.query(`DELETE FROM connector_runs WHERE status <> 'running' AND ${older('finished_at')}`, [days.runs]),
    ]);
    const counts = { rejectedRecords: rejected.rowCount ?? 0, ingestRequests: ingest.rowCount ?? 0, runs: runs.rowCount ?? 0 };
    if (counts.rejectedRecords + counts.ingestRequests + counts.runs > 0) log.info({ ...counts, days }, 'retention purge');
    return counts;
  }

  return {
    purge,
    /** Purges now, then every hour until stop. */
    async start(): Promise<void> {
      await purge();
      timer = setInterval(() => void purge().catch((err: unknown) => log.warn({ err }, 'retention purge failed; retried in an hour')), PURGE_EVERY_MS);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
