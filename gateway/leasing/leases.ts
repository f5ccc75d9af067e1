import type { Db } from '../plugins/db.ts';

/** Where leases are kept: a table with `owner` and `expires_at` columns and the leased thing's id as primary key. */
export interface LeaseTable {
  table: string;
  key: string;
}

export const CONNECTOR_LEASES: LeaseTable = { table: 'connector_leases', key: 'connector_id' };
export const SUBSCRIPTION_LEASES: LeaseTable = { table: 'subscription_leases', key: 'subscription_id' };

/**
 * Leases in PostgreSQL make each pull connector (or, in their own table, each subscription) run on exactly one
 * gateway instance. A lease is held while its instance renews it; when an instance dies its leases expire and any
 * other instance may take them.
 */
export function createLeases(db: Db, owner: string, ttlMs: number, on: LeaseTable = CONNECTOR_LEASES) {
  const { table, key } = on;
  return {
    owner,
    /** True when this instance holds the lease now (newly taken, or already its own). */
    async acquire(id: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO ${table} (${key}, owner, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (${key}) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE ${table}.owner = EXCLUDED.owner OR ${table}.expires_at < now()`,
        [id, owner, ttlMs],
      );
      return (rowCount ?? 0) > 0;
    },
    /** Extends every lease this instance holds; returns the ids it still holds. */
    async renewAll(): Promise<Set<string>> {
      const { rows } = await db.query<Record<string, string>>(
        `UPDATE ${table} SET expires_at = now() + $2 * interval '1 millisecond' WHERE owner = $1 AND expires_at >= now() RETURNING ${key} AS id`,
        [owner, ttlMs],
      );
      return new Set(rows.map((row) => row['id'] as string));
    },
    async release(id: string): Promise<void> {
      await db.query(`DELETE FROM ${table} WHERE ${key} = $1 AND owner = $2`, [id, owner]);
    },
    async releaseAll(): Promise<void> {
      await db.query(`DELETE FROM ${table} WHERE owner = $1`, [owner]);
    },
    async holder(id: string): Promise<string | undefined> {
      const { rows } = await db.query<{ owner: string }>(`SELECT owner FROM ${table} WHERE ${key} = $1 AND expires_at >= now()`, [id]);
      return rows[0]?.owner;
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
