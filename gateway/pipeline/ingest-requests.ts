import { createHash } from 'node:crypto';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { SEALED_FOR } from '../security/sealed-for.ts';

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'replay'; response: unknown } | { kind: 'conflict'; reason: string };

/**
 * Remembers push answers by Idempotency-Key so a retried request is answered without publishing twice. An answer
 * names the business keys it published, so it is stored sealed; it is purged after DX_IDEMPOTENCY_RETENTION_DAYS.
 */
export function createIngestRequests(db: Db, box: SecretBox) {
  return {
    hash: (body: string) => createHash('sha256').update(body).digest('hex'),

    async claim(connectorId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
      const inserted = await db.query(
        'INSERT INTO ingest_requests (connector_id, idempotency_key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [connectorId, key, requestHash],
      );
      if ((inserted.rowCount ?? 0) > 0) return { kind: 'claimed' };
      const { rows } = await db.query<{ request_hash: string; response: unknown }>(
        'SELECT request_hash, response FROM ingest_requests WHERE connector_id = $1 AND idempotency_key = $2',
        [connectorId, key],
      );
      const row = rows[0];
      if (!row) return this.claim(connectorId, key, requestHash);
      if (row.request_hash !== requestHash) return { kind: 'conflict', reason: 'This Idempotency-Key was used for a request with a different body' };
      if (row.response === null) return { kind: 'conflict', reason: 'A request with this Idempotency-Key is still being processed' };
      return { kind: 'replay', response: JSON.parse(box.reveal(row.response as string, SEALED_FOR.ingestAnswer(connectorId, key))) };
    },

    async complete(connectorId: string, key: string, response: unknown): Promise<void> {
      await db.query('UPDATE ingest_requests SET response = $3 WHERE connector_id = $1 AND idempotency_key = $2', [connectorId, key, box.seal(JSON.stringify(response), SEALED_FOR.ingestAnswer(connectorId, key))]);
    },

    /** Forgets a claim whose request failed, so the sender can retry with the same key. */
    async abandon(connectorId: string, key: string): Promise<void> {
      await db.query('DELETE FROM ingest_requests WHERE connector_id = $1 AND idempotency_key = $2 AND response IS NULL', [connectorId, key]);
    },
  };
}
