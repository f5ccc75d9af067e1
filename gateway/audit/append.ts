import type { PrincipalKind } from '../auth/principal.ts';
import { auditKeyId, entryHash, KEYED, type ChainedFields, type ChainVersion } from './chain.ts';
import { COLUMNS, readHead, type Queryable } from './rows.ts';

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

/** The chain head names another key than this instance's: another instance rotated the key (restart this one with it). */
export class AuditKeyMismatchError extends Error {
  constructor(headKeyId: string, ownKeyId: string) {
    super(`the audit chain is appended with key ${headKeyId} since a rotation; this instance holds key ${ownKeyId}: restart it with the current DX_AUDIT_KEY`);
    this.name = 'AuditKeyMismatchError';
  }
}

/**
 * Appends one entry under `key` in the open transaction of `client`, chained to the head, which it locks until
 * that transaction ends; the head then names `key` as the appending key. Refuses when the head names another key,
 * unless `rotating` (the rotation entry itself, the first under the new key).
 */
export async function appendEntry(client: Queryable, key: Buffer, input: AuditEntryInput, rotating = false): Promise<AuditEntry> {
  return (await appendEntries(client, key, [input], rotating))[0] as AuditEntry;
}

/**
 * Appends `inputs` in their order as consecutive entries, each chained to the one before, with one read and one
 * update of the head (locked until the transaction of `client` ends) and one insert: a group commit's append. The
 * entries share the head's clock reading. Refuses as `appendEntry` does.
 */
export async function appendEntries(client: Queryable, key: Buffer, inputs: readonly AuditEntryInput[], rotating = false): Promise<AuditEntry[]> {
  if (inputs.length === 0) return [];
  const head = await readHead(client, true);
  const keyId = auditKeyId(key);
  if (!rotating && head.keyId !== null && head.keyId !== keyId) throw new AuditKeyMismatchError(head.keyId, keyId);
  const recordedAt = head.now.toISOString();
  let prevHash = head.hash;
  const entries = inputs.map((input, index): AuditEntry => {
    // Hash exactly what jsonb will give back: undefined members dropped, dates as strings.
    const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
    const fields: ChainedFields = {
      sequence: head.sequence + 1 + index,
      recorded_at: recordedAt,
      principal_id: input.principal?.id ?? null,
      principal_kind: input.principal?.kind ?? 'system',
      action: input.action,
      object_type: input.object?.type ?? null,
      object_id: input.object?.id ?? null,
      details,
    };
    const hash = entryHash(KEYED, key, prevHash, fields);
    const entry = {
      sequence: fields.sequence,
      recordedAt,
      principalId: fields.principal_id,
      principalKind: fields.principal_kind,
      action: fields.action,
      objectType: fields.object_type,
      objectId: fields.object_id,
      details,
      chainVersion: KEYED,
      prevHash,
      hash,
    };
    prevHash = hash;
    return entry;
  });
  const column = <K extends keyof AuditEntry>(name: K) => entries.map((entry) => entry[name]);
  const last = entries.at(-1) as AuditEntry;
  await client.query(
    `INSERT INTO audit_log (${COLUMNS})
     SELECT s, $2::timestamptz, p, k, a, ot, oi, d, $8::smallint, ph, h
     FROM unnest($1::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $9::jsonb[], $10::text[], $11::text[]) AS u(s, p, k, a, ot, oi, d, ph, h)`,
    [column('sequence'), recordedAt, column('principalId'), column('principalKind'), column('action'), column('objectType'), column('objectId'), KEYED, entries.map((entry) => JSON.stringify(entry.details)), column('prevHash'), column('hash')],
  );
  // After the insert, in its own statement: the head's trigger (migration 0019) checks that the entry it moves onto is there.
  await client.query('UPDATE audit_chain_head SET sequence = $1, hash = $2, keyed_from = coalesce(keyed_from, $3), key_id = $4', [last.sequence, last.hash, head.sequence + 1, keyId]);
  return entries;
}
