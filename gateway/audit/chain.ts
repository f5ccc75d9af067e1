import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** The `prev_hash` of the first entry: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an entry's hash was made. 1: SHA-256, written before the chain was keyed (anyone who can write the database
 * could recompute it); 2: HMAC-SHA256 under DX_AUDIT_KEY. Once an entry is keyed, every later one is.
 */
export type ChainVersion = 1 | 2;
export const KEYED: ChainVersion = 2;

/** The entry that keys an unkeyed chain; and the entry a key rotation appends, the first under the new key. */
export const KEYED_ACTION = 'audit.chain.keyed';
export const ROTATED_ACTION = 'audit.chain.rotated';

/**
 * A key's public name, 16 hex digits: HMAC-SHA256(key, "dx-audit-key-id"), cut. Rotation entries and the chain
 * head name keys by it, so the log says which key made which entries without holding anything that opens them.
 */
export function auditKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('dx-audit-key-id', 'utf8').digest('hex').slice(0, 16);
}

/** The fields of an entry that its hash covers, named as the columns of `audit_log`. */
export interface ChainedFields {
  sequence: number;
  /** UTC, millisecond precision: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  recorded_at: string;
  principal_id: string | null;
  principal_kind: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  details: Record<string, unknown>;
}

/**
 * The hash of an entry, lowercase hex, over `prev_hash` as 32 raw bytes followed by the UTF-8 of the RFC 8785
 * canonical JSON of its fields: HMAC-SHA256 under `key` for version 2, plain SHA-256 for version 1.
 * docs/audit-recipe.md recomputes it with Node's standard library.
 */
export function entryHash(version: ChainVersion, key: Buffer, prevHash: string, fields: ChainedFields): string {
  const digest = version === KEYED ? createHmac('sha256', key) : createHash('sha256');
  return digest.update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
}
