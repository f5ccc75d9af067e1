import type { Db } from '../plugins/db.ts';
import { auditKeyId, entryHash, GENESIS_HASH, KEYED, ROTATED_ACTION } from './chain.ts';
import { chainedFields, COLUMNS, readHead, type ChainHead, type Row } from './rows.ts';

export interface VerifyReport {
  ok: boolean;
  /** Entries found intact, from the first on. */
  checked: number;
  /** The chain head as read when verification started. */
  head: { sequence: number; hash: string };
  firstBrokenAt?: { sequence: number; reason: string };
}

const VERIFY_CHUNK = 1000;

/** The current key (DX_AUDIT_KEY) and the ones it replaced (DX_AUDIT_KEY_PREVIOUS). */
export interface VerifyKeys {
  key: Buffer;
  previousKeys: readonly Buffer[];
}

/** Why `row` cannot follow the entry `last` (whose hash is `prevHash`) in a chain whose head is `head`; null when it can. */
function brokenLink(row: Row, last: number, prevHash: string, head: ChainHead, key: Buffer | undefined, keyId: string): string | null {
  const sequence = Number(row.sequence);
  if (sequence > head.sequence) return `entry ${sequence} lies beyond the chain head (${head.sequence})`;
  if (sequence !== last + 1) return `entry ${last + 1} is missing (the next entry is ${sequence})`;
  if (row.prev_hash !== prevHash) return 'prev_hash is not the hash of the entry before';
  const keyed = head.keyedFrom !== null && sequence >= head.keyedFrom;
  if (keyed && row.chain_version !== KEYED) return `the entry is not keyed, though the chain is keyed from entry ${head.keyedFrom}`;
  if (!keyed && row.chain_version === KEYED) return 'a keyed entry before the recorded keying point';
  if (keyed && key === undefined) return `the entry is keyed with key ${keyId}, which is neither DX_AUDIT_KEY nor one of DX_AUDIT_KEY_PREVIOUS`;
  if (entryHash(row.chain_version, key ?? Buffer.alloc(0), row.prev_hash, chainedFields(row)) !== row.hash) return "hash does not match the entry's fields";
  if (sequence === head.sequence && row.hash !== head.hash) return 'the chain head holds another hash for this entry';
  return null;
}

/**
 * Walks the whole chain in chunks of `chunkSize` (constant memory) and stops at the first broken entry: a row
 * beyond the chain head, a gap in the sequence (a deleted entry), a `prev_hash` that is not the previous entry's
 * hash (a deleted, inserted or re-ordered entry), a hash that does not match the entry's fields under the key (a
 * changed entry, even with its hash recomputed by someone without the key), an unkeyed entry where the chain is
 * keyed, or a log that ends before the chain head (entries cut off the end). A chain whose newest entry is not
 * keyed is refused as a whole: without the key, rewriting every entry as unkeyed would be the only forgery left.
 *
 * Keyed entries are checked under the key of their stretch: each `audit.chain.rotated` entry names the key
 * before it and the key from it on (by id), and must name as "before" the key the entries before it were made
 * with; the last stretch must be the current key's, so a holder of a previous key cannot append a rotation back
 * to it and continue the chain.
 */
export async function verifyChain(db: Db, keys: VerifyKeys, chunkSize = VERIFY_CHUNK): Promise<VerifyReport> {
  const chainHead = await readHead(db);
  const head = { sequence: chainHead.sequence, hash: chainHead.hash };
  const broken = (sequence: number, reason: string, checked: number): VerifyReport => ({ ok: false, checked, head, firstBrokenAt: { sequence, reason } });
  const currentId = auditKeyId(keys.key);
  const byId = new Map([...keys.previousKeys, keys.key].map((key) => [auditKeyId(key), key]));
  const firstRotation = await db.query<{ details: { previousKeyId?: unknown } }>('SELECT details FROM audit_log WHERE action = $1 ORDER BY sequence LIMIT 1', [ROTATED_ACTION]);
  const firstKeyId = firstRotation.rows[0]?.details.previousKeyId;
  let keyId = typeof firstKeyId === 'string' ? firstKeyId : currentId;
  let last = 0;
  let prevHash = GENESIS_HASH;
  let lastKeyed = false;
  for (;;) {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE sequence > $1 ORDER BY sequence LIMIT $2`, [last, chunkSize]);
    for (const row of rows) {
      let rowKeyId = keyId;
      let rotation: string | null = null;
      if (row.action === ROTATED_ACTION && row.chain_version === KEYED) {
        const { previousKeyId, keyId: nextKeyId } = row.details;
        if (previousKeyId !== keyId) rotation = `the key rotation names ${String(previousKeyId)} as the key before it, but the entries before it are keyed with ${keyId}`;
        rowKeyId = String(nextKeyId);
      }
      const reason = brokenLink(row, last, prevHash, chainHead, byId.get(rowKeyId), rowKeyId) ?? rotation;
      if (reason !== null) return broken(reason.startsWith(`entry ${last + 1} is missing`) ? last + 1 : Number(row.sequence), reason, last);
      keyId = rowKeyId;
      last = Number(row.sequence);
      prevHash = row.hash;
      lastKeyed = row.chain_version === KEYED;
    }
    if (rows.length < chunkSize) break;
  }
  if (last < head.sequence) return broken(last + 1, `entries ${last + 1} to ${head.sequence} are missing from the end of the log`, last);
  if (last > 0 && !lastKeyed) return broken(head.sequence, 'the newest entry is not keyed: the chain can have been recomputed without the key', last);
  if (last > 0 && keyId !== currentId) return broken(head.sequence, `the newest entries are keyed with ${keyId}, not with DX_AUDIT_KEY (${currentId})`, last);
  return { ok: true, checked: last, head };
}
