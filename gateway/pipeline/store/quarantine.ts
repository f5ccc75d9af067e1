import type { Db } from '../../plugins/db.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { SEALED_FOR } from '../../security/sealed-for.ts';
import type { RejectedRecord } from '../batch.ts';
import { ts } from './columns.ts';

/** The quarantine: rejected records (stored by the commit stage, commit.ts), sealed, for their owner and replay. */
export function createQuarantine(db: Db, box: SecretBox) {
  return {
    /** Rejected records with their source in clear: for the owner's API and replay only. */
    async rejectedRecords(id: string, filter: { limit: number; afterId: number; status: 'open' | 'replayed' | 'all' }) {
      const { rows } = await db.query<Omit<RejectedRecord, 'source'> & { source: string; id: number; runId: number | null; status: string; createdAt: string }>(
        `SELECT id::int, run_id::int AS "runId", partition, "offset", source, errors, status, ${ts('created_at', 'createdAt')}
           FROM rejected_records WHERE connector_id = $1 AND id > $2 AND ($4 = 'all' OR status = $4) ORDER BY id LIMIT $3`,
        [id, filter.afterId, filter.limit, filter.status],
      );
      const context = SEALED_FOR.rejectedSource(id);
      return rows.map((row) => ({ ...row, source: JSON.parse(box.reveal(row.source, context)) as Record<string, unknown> }));
    },

    async markReplayed(ids: number[]): Promise<void> {
      if (ids.length > 0) await db.query("UPDATE rejected_records SET status = 'replayed', replayed_at = now() WHERE id = ANY($1::bigint[])", [ids]);
    },
  };
}
