import type { Db } from '../../plugins/db.ts';
import { ts } from './columns.ts';

export interface Totals {
  read: number;
  published: number;
  rejected: number;
  /** Published records with data-quality warnings. */
  warned: number;
  lastPublishedAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface RunRecord {
  id: number;
  trigger: string;
  instance: string;
  status: 'running' | 'succeeded' | 'failed' | 'aborted';
  startedAt: string;
  finishedAt: string | null;
  read: number;
  published: number;
  rejected: number;
  attempts: number;
  error: string | null;
}

const RUN_COLUMNS = `id::int, trigger, instance, status, ${ts('started_at', 'startedAt')}, ${ts('finished_at', 'finishedAt')},
  read::int, published::int, rejected::int, attempts, error`;

/** The runs of connectors and their running totals. */
export function createRunStore(db: Db) {
  return {
    /** Starts a run; the caller holds the lease, so a run still marked running was left by an instance that died. */
    async startRun(id: string, trigger: string, instance: string): Promise<number> {
      return db.transaction(async (client) => {
        await client.query(
          "UPDATE connector_runs SET status = 'aborted', finished_at = now(), error = 'the gateway instance running it stopped' WHERE connector_id = $1 AND status = 'running'",
          [id],
        );
        const { rows } = await client.query<{ id: number }>(
          "INSERT INTO connector_runs (connector_id, trigger, instance, status) VALUES ($1, $2, $3, 'running') RETURNING id::int",
          [id, trigger, instance],
        );
        return (rows[0] as { id: number }).id;
      });
    },

    async finishRun(runId: number, status: RunRecord['status'], error: string | null, attempts: number): Promise<void> {
      await db.transaction(async (client) => {
        const { rows } = await client.query<{ connector_id: string }>(
          'UPDATE connector_runs SET status = $2, error = $3, attempts = $4, finished_at = now() WHERE id = $1 RETURNING connector_id',
          [runId, status, error, attempts],
        );
        if (error !== null && rows[0]) {
          await client.query('UPDATE connector_totals SET last_error = $2, last_error_at = now() WHERE connector_id = $1', [rows[0].connector_id, error]);
        }
      });
    },

    async totals(id: string): Promise<Totals | undefined> {
      const { rows } = await db.query<Totals>(
        `SELECT read::int, published::int, rejected::int, warned::int, ${ts('last_published_at', 'lastPublishedAt')}, last_error AS "lastError", ${ts('last_error_at', 'lastErrorAt')}
           FROM connector_totals WHERE connector_id = $1`,
        [id],
      );
      return rows[0];
    },

    async runs(id: string, limit: number): Promise<RunRecord[]> {
      return (await db.query<RunRecord>(`SELECT ${RUN_COLUMNS} FROM connector_runs WHERE connector_id = $1 ORDER BY id DESC LIMIT $2`, [id, limit])).rows;
    },

    async run(runId: number): Promise<RunRecord | undefined> {
      return (await db.query<RunRecord>(`SELECT ${RUN_COLUMNS} FROM connector_runs WHERE id = $1`, [runId])).rows[0];
    },

  };
}
