import type pg from 'pg';
import type { ChainedFields, ChainVersion } from './chain.ts';

/** A pool or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** A row of `audit_log` as pg reads it: bigint as text, timestamptz as a Date. */
export type Row = Omit<ChainedFields, 'sequence' | 'recorded_at'> & { sequence: string; recorded_at: Date; chain_version: ChainVersion; prev_hash: string; hash: string };

/** An entry as exported: the chained fields under their column names, then its chain version and hashes. */
export type ExportedEntry = ChainedFields & { chain_version: ChainVersion; prev_hash: string; hash: string };

export interface ChainHead {
  sequence: number;
  hash: string;
  /** The first keyed entry; null while no entry is keyed. */
  keyedFrom: number | null;
}

export const COLUMNS = 'sequence, recorded_at, principal_id, principal_kind, action, object_type, object_id, details, chain_version, prev_hash, hash';
export function chainedFields(row: Row): ChainedFields {
  return {
    sequence: Number(row.sequence),
    recorded_at: row.recorded_at.toISOString(),
    principal_id: row.principal_id,
    principal_kind: row.principal_kind,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    details: row.details,
  };
}

/** The head as appenders read it: also the database's clock and the id of the key that appends now (null: none recorded yet). */
export async function readHead(client: Queryable, lock = false): Promise<ChainHead & { now: Date; keyId: string | null }> {
  const { rows } = await client.query<{ sequence: string; hash: string; keyed_from: string | null; key_id: string | null; now: Date }>(
    `SELECT sequence, hash, keyed_from, key_id, date_trunc('milliseconds', clock_timestamp()) AS now FROM audit_chain_head${lock ? ' FOR UPDATE' : ''}`,
  );
  const head = rows[0];
  if (!head) throw new Error('audit_chain_head has no row: the audit migration did not run');
  return { sequence: Number(head.sequence), hash: head.hash, keyedFrom: head.keyed_from === null ? null : Number(head.keyed_from), keyId: head.key_id, now: head.now };
}
