import type pg from 'pg';
import type { PrincipalKind } from '../auth/principal.ts';
import type { Db } from '../plugins/db.ts';
import { entryHash, KEYED, type ChainedFields, type ChainVersion } from './chain.ts';
import { chainedFields, COLUMNS, readHead, type ChainHead, type ExportedEntry, type Queryable, type Row } from './rows.ts';
import { verifyChain, type VerifyReport } from './verify.ts';

/** Who acted: a principal, or `null` for the gateway itself (scheduled work, start-up). */
export type AuditActor = { id: string; kind: PrincipalKind } | null;

export interface AuditEntryInput {
  principal: AuditActor;
  /** Dotted name, area first: `principal.create`, `connector.offsets.reset`, `ingest.push`, ... */
  action: string;
  object?: { type: string; id: string } | null;
  /** Counts, offsets, names of changed fields. Never record contents, secrets or keys. */
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  sequence: number;
  recordedAt: string;
  principalId: string | null;
  principalKind: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  details: Record<string, unknown>;
  chainVersion: ChainVersion;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  principalId?: string | undefined;
  /** Matches actions starting with this text: `connector.` finds every connector action. */
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Sequence of the last entry of the previous page. */
  cursor?: number | undefined;
  order: 'asc' | 'desc';
  limit: number;
}

const EXPORT_PAGE = 1000;

function present(row: Row): AuditEntry {
  return {
    sequence: Number(row.sequence),
    recordedAt: row.recorded_at.toISOString(),
    principalId: row.principal_id,
    principalKind: row.principal_kind,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    details: row.details,
    chainVersion: row.chain_version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The audit log. `record` appends one entry, chained to the entry before it with HMAC-SHA256 under `key`
 * (gateway/audit/chain.ts); appenders are serialised by a row lock on `audit_chain_head`, so several gateway
 * instances may append at once and the chain stays linear.
 */
export function createAuditLog(db: Db, key: Buffer) {
  async function append(client: Queryable, input: AuditEntryInput): Promise<AuditEntry> {
    // Hash exactly what jsonb will give back: undefined members dropped, dates as strings.
    const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
    const head = await readHead(client, true);
    const fields: ChainedFields = {
      sequence: head.sequence + 1,
      recorded_at: head.now.toISOString(),
      principal_id: input.principal?.id ?? null,
      principal_kind: input.principal?.kind ?? 'system',
      action: input.action,
      object_type: input.object?.type ?? null,
      object_id: input.object?.id ?? null,
      details,
    };
    const hash = entryHash(KEYED, key, head.hash, fields);
    await client.query(
      `WITH entry AS (
         INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING sequence
       )
       UPDATE audit_chain_head SET sequence = (SELECT sequence FROM entry), hash = $11, keyed_from = coalesce(keyed_from, (SELECT sequence FROM entry))`,
      [fields.sequence, fields.recorded_at, fields.principal_id, fields.principal_kind, fields.action, fields.object_type, fields.object_id, JSON.stringify(details), KEYED, head.hash, hash],
    );
    return {
      sequence: fields.sequence,
      recordedAt: fields.recorded_at,
      principalId: fields.principal_id,
      principalKind: fields.principal_kind,
      action: fields.action,
      objectType: fields.object_type,
      objectId: fields.object_id,
      details,
      chainVersion: KEYED,
      prevHash: head.hash,
      hash,
    };
  }

  return {
    /**
     * Appends one entry. With `client`, the entry joins the caller's transaction (which must be open: the chain
     * head stays locked until it commits, and a rollback takes the entry with it); otherwise it commits on its own.
     */
    record(input: AuditEntryInput, client?: pg.ClientBase): Promise<AuditEntry> {
      return client ? append(client, input) : db.transaction((own) => append(own, input));
    },

    /**
     * Keys a chain of unkeyed (version 1) entries from its next entry on, once: an install from before the chain was
     * keyed gets its recorded keying point at the first start with a key. Answers whether the newest entry verifies
     * under `key` (false: another key than the one the chain was keyed with, or an altered entry).
     */
    async startKeyed(): Promise<{ keyedNow: boolean; headVerifies: boolean }> {
      return db.transaction(async (client) => {
        const head = await readHead(client, true);
        if (head.sequence === 0) return { keyedNow: false, headVerifies: true };
        if (head.keyedFrom === null) {
          await append(client, { principal: null, action: 'audit.chain.keyed', details: { unkeyedEntries: head.sequence } });
          return { keyedNow: true, headVerifies: true };
        }
        const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE sequence = $1`, [head.sequence]);
        const row = rows[0];
        const headVerifies = row !== undefined && row.chain_version === KEYED && entryHash(KEYED, key, row.prev_hash, chainedFields(row)) === row.hash;
        return { keyedNow: false, headVerifies };
      });
    },

    async list(filter: AuditFilter): Promise<AuditEntry[]> {
      const values: unknown[] = [];
      const where: string[] = [];
      const add = (condition: (placeholder: string) => string, value: unknown) => {
        values.push(value);
        where.push(condition(`$${values.length}`));
      };
      if (filter.principalId !== undefined) add((p) => `principal_id = ${p}`, filter.principalId);
      if (filter.action !== undefined) add((p) => `starts_with(action, ${p})`, filter.action);
      if (filter.objectType !== undefined) add((p) => `object_type = ${p}`, filter.objectType);
      if (filter.objectId !== undefined) add((p) => `object_id = ${p}`, filter.objectId);
      if (filter.from !== undefined) add((p) => `recorded_at >= ${p}`, filter.from);
      if (filter.to !== undefined) add((p) => `recorded_at < ${p}`, filter.to);
      if (filter.cursor !== undefined) add((p) => `sequence ${filter.order === 'asc' ? '>' : '<'} ${p}`, filter.cursor);
      values.push(filter.limit);
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY sequence ${filter.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
        values,
      );
      return rows.map(present);
    },

    /** Whether an entry of `action` on `object` exists whose details contain `details` (newest first: for recent entries). */
    async has(entry: { action: string; object: { type: string; id: string }; details: Record<string, unknown> }): Promise<boolean> {
      const { rows } = await db.query(
        'SELECT 1 FROM audit_log WHERE object_type = $1 AND object_id = $2 AND action = $3 AND details @> $4::jsonb ORDER BY sequence DESC LIMIT 1',
        [entry.object.type, entry.object.id, entry.action, JSON.stringify(entry.details)],
      );
      return rows.length > 0;
    },

    /** The chain head as it is now. */
    head(): Promise<ChainHead> {
      return readHead(db).then(({ sequence, hash, keyedFrom }) => ({ sequence, hash, keyedFrom }));
    },

    /**
     * The entries after sequence `after` up to `head` (read before, so appends during the export do not move its
     * end), at most `limit`, read in pages of a thousand: constant memory however long the log.
     */
    async *entries(head: ChainHead, after: number, limit = Number.POSITIVE_INFINITY): AsyncGenerator<ExportedEntry> {
      let last = after;
      let left = limit;
      while (left > 0 && last < head.sequence) {
        const page = Math.min(EXPORT_PAGE, left);
        const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE sequence > $1 AND sequence <= $2 ORDER BY sequence LIMIT $3`, [last, head.sequence, page]);
        for (const row of rows) yield { ...chainedFields(row), chain_version: row.chain_version, prev_hash: row.prev_hash, hash: row.hash };
        if (rows.length < page) return;
        last = Number(rows[rows.length - 1]?.sequence);
        left -= rows.length;
      }
    },

    /** Walks the whole chain; see gateway/audit/verify.ts for what it detects. */
    verify(chunkSize?: number): Promise<VerifyReport> {
      return verifyChain(db, key, chunkSize);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
export type { VerifyReport };
