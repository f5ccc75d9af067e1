import type pg from 'pg';
import type { Db } from '../plugins/db.ts';
import { appendEntries, appendEntry, type AuditEntry, type AuditEntryInput } from './append.ts';
import { startKeyed, type StartOutcome } from './keying.ts';
import { chainedFields, COLUMNS, readHead, type ChainHead, type ExportedEntry, type Row } from './rows.ts';
import { verifyChain, type VerifyReport } from './verify.ts';

export type { AuditActor, AuditEntry, AuditEntryInput } from './append.ts';

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
 * instances may append at once and the chain stays linear. `previousKeys` (DX_AUDIT_KEY_PREVIOUS) verify the
 * entries made before a rotation to `key`.
 */
export function createAuditLog(db: Db, key: Buffer, previousKeys: readonly Buffer[] = []) {
  return {
    /**
     * Appends one entry. With `client`, the entry joins the caller's transaction (which must be open: the chain
     * head stays locked until it commits, and a rollback takes the entry with it); otherwise it commits on its own.
     */
    record(input: AuditEntryInput, client?: pg.ClientBase): Promise<AuditEntry> {
      return client ? appendEntry(client, key, input) : db.transaction((own) => appendEntry(own, key, input));
    },

    /** Appends `inputs` as consecutive entries in their order, in the open transaction of `client`, with one lock of the head. */
    recordMany(inputs: readonly AuditEntryInput[], client: pg.ClientBase): Promise<AuditEntry[]> {
      return appendEntries(client, key, inputs);
    },

    /** Keys an unkeyed chain, or rotates from a previous key, at start (gateway/audit/keying.ts). */
    startKeyed(): Promise<StartOutcome> {
      return startKeyed(db, key, previousKeys);
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
      return verifyChain(db, { key, previousKeys }, chunkSize);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
export type { VerifyReport };
