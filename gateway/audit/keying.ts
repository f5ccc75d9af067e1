import type { Db } from '../plugins/db.ts';
import { appendEntry } from './append.ts';
import { auditKeyId, entryHash, KEYED, KEYED_ACTION, ROTATED_ACTION } from './chain.ts';
import { chainedFields, COLUMNS, readHead, type Row } from './rows.ts';

export interface StartOutcome {
  /** An unkeyed chain was keyed from its next entry on. */
  keyedNow: boolean;
  /** The newest entry verifies under the key (after a rotation, if one was made). */
  headVerifies: boolean;
  /** The sequence of the rotation entry, when this start rotated from a previous key. */
  rotatedAt?: number;
}

const verifies = (row: Row, key: Buffer): boolean => row.chain_version === KEYED && entryHash(KEYED, key, row.prev_hash, chainedFields(row)) === row.hash;

/**
 * What a start does to the chain, in one transaction holding the head: keys a chain of unkeyed entries (an install
 * from before the chain was keyed) from its next entry on, once; rotates to `key` when the newest entry verifies
 * under one of `previousKeys` instead (appending an `audit.chain.rotated` entry under `key` that names both keys'
 * ids: the recorded rotation point); and says whether the newest entry verifies under `key` (false: neither the
 * key nor a previous key made it, or it was altered).
 */
export async function startKeyed(db: Db, key: Buffer, previousKeys: readonly Buffer[]): Promise<StartOutcome> {
  return db.transaction(async (client) => {
    const head = await readHead(client, true);
    if (head.sequence === 0) return { keyedNow: false, headVerifies: true };
    if (head.keyedFrom === null) {
      await appendEntry(client, key, { principal: null, action: KEYED_ACTION, details: { unkeyedEntries: head.sequence } });
      return { keyedNow: true, headVerifies: true };
    }
    const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE sequence = $1`, [head.sequence]);
    const row = rows[0];
    if (row === undefined) return { keyedNow: false, headVerifies: false };
    if (verifies(row, key)) return { keyedNow: false, headVerifies: true };
    const previous = previousKeys.find((candidate) => verifies(row, candidate));
    if (previous === undefined) return { keyedNow: false, headVerifies: false };
    const entry = await appendEntry(client, key, { principal: null, action: ROTATED_ACTION, details: { previousKeyId: auditKeyId(previous), keyId: auditKeyId(key) } }, true);
    return { keyedNow: false, headVerifies: true, rotatedAt: entry.sequence };
  });
}
