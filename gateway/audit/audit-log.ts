import type pg from 'pg';
import type { PrincipalKind } from '../auth/principal.ts';
import type { Db } from '../plugins/db.ts';
import { entryHash, GENESIS_HASH, type ChainedFields } from './chain.ts';

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

export interface VerifyReport {
  ok: boolean;
  /** Entries found intact, from the first on. */
  checked: number;
  /** The chain head as read when verification started. */
  head: { sequence: number; hash: string };
  firstBrokenAt?: { sequence: number; reason: string };
}

type Queryable = Pick<pg.ClientBase, 'query'>;

interface Row {
  sequence: string;
  recorded_at: Date;
  principal_id: string | null;
  principal_kind: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'sequence, recorded_at, principal_id, principal_kind, action, object_type, object_id, details, prev_hash, hash';
const VERIFY_CHUNK = 1000;

function chainedFields(row: Row): ChainedFields {
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
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The audit log. `record` appends one entry, hash-chained to the entry before it; appenders are serialised by a
 * row lock on `audit_chain_head`, so several gateway instances may append at once and the chain stays linear.
 */
export function createAuditLog(db: Db) {
  async function append(client: Queryable, input: AuditEntryInput): Promise<AuditEntry> {
    // Hash exactly what jsonb will give back: undefined members dropped, dates as strings.
    const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
    const { rows } = await client.query<{ sequence: string; hash: string; now: Date }>(
      "SELECT sequence, hash, date_trunc('milliseconds', clock_timestamp()) AS now FROM audit_chain_head FOR UPDATE",
    );
    const head = rows[0];
    if (!head) throw new Error('audit_chain_head has no row: the audit migration did not run');
    const fields: ChainedFields = {
      sequence: Number(head.sequence) + 1,
      recorded_at: head.now.toISOString(),
      principal_id: input.principal?.id ?? null,
      principal_kind: input.principal?.kind ?? 'system',
      action: input.action,
      object_type: input.object?.type ?? null,
      object_id: input.object?.id ?? null,
      details,
    };
    const hash = entryHash(head.hash, fields);
    await client.query(
      `WITH entry AS (
         INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING sequence
       )
       UPDATE audit_chain_head SET sequence = (SELECT sequence FROM entry), hash = $10`,
      [fields.sequence, fields.recorded_at, fields.principal_id, fields.principal_kind, fields.action, fields.object_type, fields.object_id, JSON.stringify(details), head.hash, hash],
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

    /**
     * Walks the whole chain in chunks of `chunkSize` (constant memory) and stops at the first broken entry: a gap
     * in the sequence (a deleted entry), a `prev_hash` that is not the previous entry's hash (a deleted, inserted
     * or re-ordered entry), a hash that does not match the entry's fields (a changed entry), or a log that ends
     * before the chain head (entries cut off the end).
     */
    async verify(chunkSize = VERIFY_CHUNK): Promise<VerifyReport> {
      const headRow = (await db.query<{ sequence: string; hash: string }>('SELECT sequence, hash FROM audit_chain_head')).rows[0];
      const head = { sequence: Number(headRow?.sequence ?? 0), hash: headRow?.hash ?? GENESIS_HASH };
      const broken = (sequence: number, reason: string, checked: number): VerifyReport => ({ ok: false, checked, head, firstBrokenAt: { sequence, reason } });
      let last = 0;
      let prevHash = GENESIS_HASH;
      for (;;) {
        const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE sequence > $1 ORDER BY sequence LIMIT $2`, [last, chunkSize]);
        for (const row of rows) {
          const sequence = Number(row.sequence);
          if (sequence !== last + 1) return broken(last + 1, `entry ${last + 1} is missing (the next entry is ${sequence})`, last);
          if (row.prev_hash !== prevHash) return broken(sequence, 'prev_hash is not the hash of the entry before', last);
          if (entryHash(row.prev_hash, chainedFields(row)) !== row.hash) return broken(sequence, "hash does not match the entry's fields", last);
          if (sequence === head.sequence && row.hash !== head.hash) return broken(sequence, 'the chain head holds another hash for this entry', last);
          last = sequence;
          prevHash = row.hash;
        }
        if (rows.length < chunkSize) break;
      }
      if (last < head.sequence) return broken(last + 1, `entries ${last + 1} to ${head.sequence} are missing from the end of the log`, last);
      return { ok: true, checked: last, head };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
