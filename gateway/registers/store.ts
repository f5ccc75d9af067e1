import type { Db } from '../plugins/db.ts';

/** A register as the runtime runs it: its resource's topic and key, and the generations to materialise. */
export interface RegisterRow {
  resourceId: string;
  topic: string;
  schemaSubject: string | null;
  activeGeneration: number;
  buildingGeneration: number | null;
}

/** What becomes of one key: its new record, or null for a tombstone. */
export interface EntryChange {
  offset: string;
  key: string;
  record: Record<string, unknown> | null;
  messageId: string | null;
  source: unknown;
  timestamp: number;
}

export interface AppliedBatch {
  /** False when the generation was retired (a rebuild replaced it): nothing was written. */
  live: boolean;
  applied: number;
}

export interface StoredEntry {
  key: string;
  record: Record<string, unknown>;
  partition: number;
  offset: string;
  messageId: string | null;
  source: unknown;
  recordTime: string;
  updatedAt: string;
}

const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ENTRY = `e.key, e.record, e.partition, e."offset"::text AS offset, e.message_id AS "messageId", e.source, ${ts('e.record_time')} AS "recordTime", ${ts('e.updated_at')} AS "updatedAt"`;
const ACTIVE = 'register_entries e JOIN registers g ON g.resource_id = e.resource_id AND e.generation = g.active_generation';

/** Registers in PostgreSQL (migration 0014): entries, offsets and generations. */
export function createRegisterStore(db: Db) {
  return {
    /** Enables the register of each resource of these codes that has a topic. */
    async enable(codes: readonly string[]): Promise<void> {
      if (codes.length === 0) return;
      await db.query(
        `INSERT INTO registers (resource_id) SELECT id FROM catalog_resources WHERE code = ANY($1::text[]) AND topic IS NOT NULL ON CONFLICT (resource_id) DO NOTHING`,
        [codes],
      );
    },

    async list(): Promise<RegisterRow[]> {
      const { rows } = await db.query<RegisterRow>(
        `SELECT g.resource_id AS "resourceId", r.topic, r.schema_subject AS "schemaSubject", g.active_generation AS "activeGeneration",
           g.building_generation AS "buildingGeneration"
         FROM registers g JOIN catalog_resources r ON r.id = g.resource_id WHERE r.topic IS NOT NULL ORDER BY r.code`,
      );
      return rows;
    },

    async position(resourceId: string, generation: number, partition: number): Promise<string | null> {
      const { rows } = await db.query<{ next: string }>('SELECT next_offset::text AS next FROM register_offsets WHERE resource_id = $1 AND generation = $2 AND partition = $3', [resourceId, generation, partition]);
      return rows[0]?.next ?? null;
    },

    /**
     * Applies one partition's changes past the stored position and moves the position past `lastOffset`, in one
     * transaction: a crash before the commit applies nothing, and the next attempt applies the same changes once.
     */
    async apply(resourceId: string, generation: number, partition: number, changes: readonly EntryChange[], lastOffset: string, undecodable: readonly string[]): Promise<AppliedBatch> {
      return db.transaction(async (client) => {
        const { rows: live } = await client.query('SELECT 1 FROM registers WHERE resource_id = $1 AND $2 IN (active_generation, building_generation) FOR SHARE', [resourceId, generation]);
        if (live.length === 0) return { live: false, applied: 0 };
        await client.query('INSERT INTO register_offsets (resource_id, generation, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING', [resourceId, generation, partition]);
        const { rows } = await client.query<{ next: string }>('SELECT next_offset::text AS next FROM register_offsets WHERE resource_id = $1 AND generation = $2 AND partition = $3 FOR UPDATE', [resourceId, generation, partition]);
        const next = BigInt((rows[0] as { next: string }).next);
        if (BigInt(lastOffset) < next) return { live: true, applied: 0 };
        // Last change per key wins: the batch is in offset order.
        const latest = new Map<string, EntryChange>();
        for (const change of changes) if (BigInt(change.offset) >= next) latest.set(change.key, change);
        const upserts = [...latest.values()].filter((change) => change.record !== null);
        const deletes = [...latest.values()].filter((change) => change.record === null).map((change) => change.key);
        if (upserts.length > 0) {
          await client.query(
            `INSERT INTO register_entries (resource_id, generation, key, record, partition, "offset", message_id, source, record_time)
             SELECT $1, $2, u.k, u.r, $3, u.o, u.m, u.s, to_timestamp(u.t / 1000.0) FROM json_to_recordset($4::json) AS u(k text, r jsonb, o bigint, m text, s jsonb, t float8)
             ON CONFLICT (resource_id, generation, key) DO UPDATE SET record = EXCLUDED.record, partition = EXCLUDED.partition, "offset" = EXCLUDED."offset",
               message_id = EXCLUDED.message_id, source = EXCLUDED.source, record_time = EXCLUDED.record_time, updated_at = now()`,
            [resourceId, generation, partition, JSON.stringify(upserts.map((change) => ({ k: change.key, r: change.record, o: change.offset, m: change.messageId, s: change.source, t: change.timestamp })))],
          );
        }
        if (deletes.length > 0) await client.query('DELETE FROM register_entries WHERE resource_id = $1 AND generation = $2 AND key = ANY($3::text[])', [resourceId, generation, deletes]);
        const skipped = undecodable.filter((offset) => BigInt(offset) >= next).length;
        const newest = changes.at(-1)?.timestamp ?? null;
        await client.query(
          'UPDATE register_offsets SET next_offset = $4, last_record_time = COALESCE(to_timestamp($5 / 1000.0), last_record_time) WHERE resource_id = $1 AND generation = $2 AND partition = $3',
          [resourceId, generation, partition, (BigInt(lastOffset) + 1n).toString(), newest],
        );
        if (skipped > 0) await client.query('UPDATE registers SET undecodable = undecodable + $2 WHERE resource_id = $1', [resourceId, skipped]);
        return { live: true, applied: upserts.length + deletes.length };
      });
    },

    /** The stored positions of a generation, by partition. */
    async positions(resourceId: string, generation: number): Promise<Map<number, { next: bigint; lastRecordTime: number | null }>> {
      const { rows } = await db.query<{ partition: number; next: string; last: Date | null }>(
        'SELECT partition, next_offset::text AS next, last_record_time AS last FROM register_offsets WHERE resource_id = $1 AND generation = $2',
        [resourceId, generation],
      );
      return new Map(rows.map((row) => [row.partition, { next: BigInt(row.next), lastRecordTime: row.last?.getTime() ?? null }]));
    },

    /** Starts a rebuild: a new generation filled from the start of the topic. False when one is under way. */
    async requestRebuild(resourceId: string, by: string, client: Pick<Db, 'query'> = db): Promise<{ generation: number } | undefined> {
      const { rows } = await client.query<{ generation: number }>(
        `UPDATE registers SET building_generation = active_generation + 1, rebuild_requested_at = now(), rebuild_requested_by = $2
         WHERE resource_id = $1 AND building_generation IS NULL RETURNING building_generation AS generation`,
        [resourceId, by],
      );
      return rows[0];
    },

    /** Makes the rebuilt generation the one lookups read, and drops the old one. */
    async switchTo(resourceId: string, generation: number): Promise<boolean> {
      return db.transaction(async (client) => {
        const { rows } = await client.query<{ old: number }>(
          `UPDATE registers g SET active_generation = $2, building_generation = NULL FROM (SELECT active_generation AS old FROM registers WHERE resource_id = $1 FOR UPDATE) o
           WHERE g.resource_id = $1 AND g.building_generation = $2 RETURNING o.old`,
          [resourceId, generation],
        );
        const old = rows[0]?.old;
        if (old === undefined) return false;
        await client.query('DELETE FROM register_entries WHERE resource_id = $1 AND generation = $2', [resourceId, old]);
        await client.query('DELETE FROM register_offsets WHERE resource_id = $1 AND generation = $2', [resourceId, old]);
        return true;
      });
    },

    /** Whether the resource has a register: a lookup's check, which must not count its entries (named, as `entries`). */
    async enabled(resourceId: string): Promise<boolean> {
      return (await db.pool.query({ name: 'register-enabled', text: 'SELECT 1 FROM registers WHERE resource_id = $1', values: [resourceId] })).rows.length > 0;
    },

    async summary(resourceId: string): Promise<{ enabled: boolean; size: number; activeGeneration: number; rebuilding: boolean; undecodable: number } | undefined> {
      const { rows } = await db.query<{ size: number; activeGeneration: number; rebuilding: boolean; undecodable: string }>(
        `SELECT (SELECT count(*)::int FROM register_entries e WHERE e.resource_id = g.resource_id AND e.generation = g.active_generation) AS size,
           g.active_generation AS "activeGeneration", g.building_generation IS NOT NULL AS rebuilding, g.undecodable::text AS undecodable
         FROM registers g WHERE g.resource_id = $1`,
        [resourceId],
      );
      const row = rows[0];
      return row ? { enabled: true, size: row.size, activeGeneration: row.activeGeneration, rebuilding: row.rebuilding, undecodable: Number(row.undecodable) } : undefined;
    },

    /** The current entries of `keys` (those absent were never there or were deleted). */
    async entries(resourceId: string, keys: readonly string[]): Promise<StoredEntry[]> {
      // Named: each connection plans the lookups' one query once.
      const { rows } = await db.pool.query<StoredEntry>({ name: 'register-entries', text: `SELECT ${ENTRY} FROM ${ACTIVE} WHERE e.resource_id = $1 AND e.key = ANY($2::text[])`, values: [resourceId, keys] });
      return rows;
    },

    /** The licences of one holder (e-licence registers), optionally of one licence type. */
    async byHolder(resourceId: string, holder: { codeType: string; code: string; licenceTypeCode?: string | undefined }): Promise<StoredEntry[]> {
      const { rows } = await db.query<StoredEntry>(
        `SELECT ${ENTRY} FROM ${ACTIVE} WHERE e.resource_id = $1 AND e.record ? 'holder_code' AND e.record->>'holder_code_type' = $2 AND e.record->>'holder_code' = $3
           AND ($4::text IS NULL OR e.record->>'licence_type_code' = $4) ORDER BY e.key LIMIT 1000`,
        [resourceId, holder.codeType, holder.code, holder.licenceTypeCode ?? null],
      );
      return rows;
    },
  };
}

export type RegisterStore = ReturnType<typeof createRegisterStore>;
