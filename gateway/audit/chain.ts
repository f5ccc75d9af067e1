import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** The `prev_hash` of the first entry: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);

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
 * hash = SHA-256( prev_hash as 32 raw bytes || UTF-8 of RFC 8785 canonical JSON of the fields ), as lowercase hex.
 * Anyone can recompute it from a row of `audit_log` (see README, "Audit log").
 */
export function entryHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
}
