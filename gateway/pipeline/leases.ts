import type { Db } from '../plugins/db.ts';

/**
 * Leases in PostgreSQL make each pull connector run on exactly one gateway instance. A lease is held while its
 * instance renews it; when an instance dies its leases expire and any other instance may take them.
 */
export function createLeases(db: Db, owner: string, ttlMs: number) {
  return {
    owner,
    /** True when this instance holds the lease now (newly taken, or already its own). */
    async acquire(connectorId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO connector_leases (connector_id, owner, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (connector_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE connector_leases.owner = EXCLUDED.owner OR connector_leases.expires_at < now()`,
        [connectorId, owner, ttlMs],
      );
      return (rowCount ?? 0) > 0;
    },
    /** Extends every lease this instance holds; returns the connectors it still holds. */
    async renewAll(): Promise<Set<string>> {
      const { rows } = await db.query<{ connector_id: string }>(
        `UPDATE connector_leases SET expires_at = now() + $2 * interval '1 millisecond' WHERE owner = $1 AND expires_at >= now() RETURNING connector_id`,
        [owner, ttlMs],
      );
      return new Set(rows.map((row) => row.connector_id));
    },
    async release(connectorId: string): Promise<void> {
      await db.query('DELETE FROM connector_leases WHERE connector_id = $1 AND owner = $2', [connectorId, owner]);
    },
    async releaseAll(): Promise<void> {
      await db.query('DELETE FROM connector_leases WHERE owner = $1', [owner]);
    },
    async holder(connectorId: string): Promise<string | undefined> {
      const { rows } = await db.query<{ owner: string }>('SELECT owner FROM connector_leases WHERE connector_id = $1 AND expires_at >= now()', [connectorId]);
      return rows[0]?.owner;
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
