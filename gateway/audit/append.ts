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
  // Hash exactly what jsonb will give back: undefined members dropped, dates as strings.
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  const head = await readHead(client, true);
  const keyId = auditKeyId(key);
  if (!rotating && head.keyId !== null && head.keyId !== keyId) throw new AuditKeyMismatchError(head.keyId, keyId);
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
     UPDATE audit_chain_head SET sequence = (SELECT sequence FROM entry), hash = $11, keyed_from = coalesce(keyed_from, (SELECT sequence FROM entry)), key_id = $12`,
    [fields.sequence, fields.recorded_at, fields.principal_id, fields.principal_kind, fields.action, fields.object_type, fields.object_id, JSON.stringify(details), KEYED, head.hash, hash, keyId],
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
