import { createHash } from 'node:crypto';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { SEALED_FOR } from '../security/sealed-for.ts';
import type { BatchCommit } from './batch.ts';

/** A push whose records Kafka acknowledged but whose commit failed: what the commit still has to store. */
export interface UncommittedPush {
  answer: unknown;
  batch: Omit<BatchCommit, 'offsets'>;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: unknown }
  | { kind: 'uncommitted'; push: UncommittedPush; stored: string }
  | { kind: 'conflict'; reason: string };

/** Where an answer is stored: the pool, or a client inside the commit's transaction. */
interface Queryable {
  query(text: string, values: unknown[]): Promise<{ rowCount: number | null }>;
}

/**
 * Remembers push answers by Idempotency-Key so a retried request is answered without publishing twice. An answer
 * names the business keys it published, so it is stored sealed; it is purged after DX_IDEMPOTENCY_RETENTION_DAYS.
 * A push whose commit failed after Kafka acknowledged it is parked (its answer and its batch, sealed, in place of
 * the answer): the retry commits it without publishing anything again, dead letters included.
 */
export function createIngestRequests(db: Db, box: SecretBox) {
  const seal = (connectorId: string, key: string, value: unknown) => box.seal(JSON.stringify(value), SEALED_FOR.ingestAnswer(connectorId, key));

  async function claim(connectorId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await db.query(
      'INSERT INTO ingest_requests (connector_id, idempotency_key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [connectorId, key, requestHash],
    );
    if ((inserted.rowCount ?? 0) > 0) return { kind: 'claimed' };
    const { rows } = await db.query<{ request_hash: string; response: string | null }>(
      'SELECT request_hash, response FROM ingest_requests WHERE connector_id = $1 AND idempotency_key = $2',
      [connectorId, key],
    );
    const row = rows[0];
    if (!row) return claim(connectorId, key, requestHash);
    if (row.request_hash !== requestHash) return { kind: 'conflict', reason: 'This Idempotency-Key was used for a request with a different body' };
    if (row.response === null) return { kind: 'conflict', reason: 'A request with this Idempotency-Key is still being processed' };
    const stored = JSON.parse(box.reveal(row.response, SEALED_FOR.ingestAnswer(connectorId, key))) as { uncommitted?: UncommittedPush };
    if (stored.uncommitted !== undefined) return { kind: 'uncommitted', push: stored.uncommitted, stored: row.response };
    return { kind: 'replay', response: stored };
  }

  return {
    hash: (body: string) => createHash('sha256').update(body).digest('hex'),
    claim,

    /**
     * Stores the answer in place of what the claim holds now (`expected`: nothing, or the parked push), on `on`.
     * False when another request got there first: then it, not this one, committed the push.
     */
    async complete(connectorId: string, key: string, response: unknown, on: Queryable = db, expected: string | null = null): Promise<boolean> {
      const { rowCount } = await on.query(
        'UPDATE ingest_requests SET response = $3 WHERE connector_id = $1 AND idempotency_key = $2 AND response IS NOT DISTINCT FROM $4',
        [connectorId, key, seal(connectorId, key, response), expected],
      );
      return (rowCount ?? 0) > 0;
    },

    /** Parks a push Kafka has but the database does not, for the retry to commit (see above). */
    async park(connectorId: string, key: string, push: UncommittedPush): Promise<void> {
      const { rowCount } = await db.query('UPDATE ingest_requests SET response = $3 WHERE connector_id = $1 AND idempotency_key = $2 AND response IS NULL', [connectorId, key, seal(connectorId, key, { uncommitted: push })]);
      if ((rowCount ?? 0) === 0) throw new Error('the claim of this push is gone; it cannot be parked');
    },

    /** Forgets a claim whose request failed, so the sender can retry with the same key. */
    async abandon(connectorId: string, key: string): Promise<void> {
      await db.query('DELETE FROM ingest_requests WHERE connector_id = $1 AND idempotency_key = $2 AND response IS NULL', [connectorId, key]);
    },
  };
}

export type IngestRequests = ReturnType<typeof createIngestRequests>;
