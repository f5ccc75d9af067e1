import type { JsonValue } from '../../connectors/types.ts';
import type { Db } from '../plugins/db.ts';

export interface StoredWarning {
  id: number;
  runId: number | null;
  partition: string;
  offset: JsonValue;
  warnings: { path: string; rule: string; message: string }[];
  createdAt: string;
}

/** The warned records of connectors (written by the batch commit, gateway/pipeline/connector-store.ts). */
export function createWarningStore(db: Pick<Db, 'query'>) {
  return {
    async list(connectorId: string, filter: { afterId: number; limit: number }): Promise<StoredWarning[]> {
      const { rows } = await db.query<StoredWarning>(
        `SELECT id::int, run_id::int AS "runId", partition, "offset", warnings, to_json(created_at)#>>'{}' AS "createdAt"
           FROM record_warnings WHERE connector_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [connectorId, filter.afterId, filter.limit],
      );
      return rows;
    },

    /** Counts per rule of one connector's kept warnings. */
    async countsByRule(connectorId: string): Promise<Record<string, number>> {
      const { rows } = await db.query<{ rule: string; count: number }>(
        `SELECT w->>'rule' AS rule, count(*)::int AS count FROM record_warnings, jsonb_array_elements(warnings) AS w WHERE connector_id = $1 GROUP BY 1 ORDER BY 1`,
        [connectorId],
      );
      return Object.fromEntries(rows.map((row) => [row.rule, row.count]));
    },

    /** Deletes warnings kept longer than `days` (the quarantine's retention). */
    async purge(days: number): Promise<number> {
      return (await db.query(`DELETE FROM record_warnings WHERE created_at < now() - make_interval(days => $1::int)`, [days])).rowCount ?? 0;
    },
  };
}

export type WarningStore = ReturnType<typeof createWarningStore>;
