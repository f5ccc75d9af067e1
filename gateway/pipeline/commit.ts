import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { SEALED_FOR } from '../security/sealed-for.ts';
import type { BatchCommit } from './batch.ts';

/**
 * Advances the offsets ($3, an object of partition → offset), stores the rejected records ($4) and adds the counts
 * ($5 read, $6 published, $7 rejected) to the totals, the minute's throughput and the run ($2, none when null); the
 * warned records ($8) are kept for the warnings view and counted in the totals.
 * Data-modifying CTEs run to completion whether or not the outer statement reads them.
 */
const COMMIT_BATCH = `
  WITH offsets AS (
    INSERT INTO connector_offsets (connector_id, partition, "offset")
    SELECT $1::uuid, entry.key, entry.value FROM jsonb_each($3::jsonb) AS entry
    ON CONFLICT (connector_id, partition) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()
  ), rejected AS (
    INSERT INTO rejected_records (connector_id, run_id, partition, "offset", source, errors)
    SELECT $1::uuid, $2::bigint, r.partition, r."offset", r.source, r.errors
      FROM jsonb_to_recordset($4::jsonb) AS r(partition text, "offset" jsonb, source text, errors jsonb)
  ), warned AS (
    INSERT INTO record_warnings (connector_id, run_id, partition, "offset", warnings)
    SELECT $1::uuid, $2::bigint, w.partition, w."offset", w.warnings FROM jsonb_to_recordset($8::jsonb) AS w(partition text, "offset" jsonb, warnings jsonb)
  ), totals AS (
    UPDATE connector_totals SET read = read + $5::int, published = published + $6::int, rejected = rejected + $7::int,
      warned = warned + jsonb_array_length($8::jsonb),
      last_published_at = CASE WHEN $6::int > 0 THEN now() ELSE last_published_at END
    WHERE connector_id = $1::uuid
  ), throughput AS (
    INSERT INTO connector_throughput (connector_id, minute, published, rejected)
    SELECT $1::uuid, date_trunc('minute', now()), $6::int, $7::int WHERE $5::int > 0
    ON CONFLICT (connector_id, minute) DO UPDATE
      SET published = connector_throughput.published + EXCLUDED.published, rejected = connector_throughput.rejected + EXCLUDED.rejected
  )
  UPDATE connector_runs SET read = read + $5::int, published = published + $6::int, rejected = rejected + $7::int WHERE id = $2::bigint`;

/** Where the statement runs: the pool, or a client inside a transaction. */
export interface Queryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/**
 * The commit stage, called only after the broker acknowledged every record of the batch: advances the offsets,
 * stores the rejected records (sealed) in the quarantine and adds to the counts, all at once (one statement).
 */
export function createBatchCommitter(db: Db, box: SecretBox) {
  return async function commitBatch(connectorId: string, runId: number | null, batch: BatchCommit, on: Queryable = db.pool): Promise<void> {
    // In exactly-once mode these offsets are the display copy; the offsets topic is the source of truth.
    // One statement, atomic on its own, instead of a transaction of five: one round trip per batch. Named, so each
    // connection parses and plans it once: PostgreSQL's share of the two cores counts while pulling (it returns no
    // rows, so a later migration cannot make the prepared form fail).
    await on.query({ name: 'dx-commit-batch', text: COMMIT_BATCH, values: [
      connectorId,
      runId,
      JSON.stringify(Object.fromEntries(batch.offsets)),
      JSON.stringify(batch.rejected.map((record) => ({ ...record, source: box.seal(JSON.stringify(record.source), SEALED_FOR.rejectedSource(connectorId)) }))),
      batch.read,
      batch.published,
      batch.rejected.length,
      JSON.stringify(batch.warned ?? []),
    ] });
  };
}

export type CommitBatch = ReturnType<typeof createBatchCommitter>;
