import type { Db } from '../db/database.ts';
import type { TopicMessage } from '../kafka/topic-message.ts';
import type { DeliveredRecord } from '../subscriptions/delivered-record.ts';

/**
 * The delivered form of one message of a mirrored topic: the owner already projected and masked it (one JSON
 * object, keyed by the masked key), so it is handed over as it is; undefined for a value that is no JSON object.
 */
export function mirroredRecord(message: TopicMessage, partition: number): DeliveredRecord | undefined {
  let record: unknown;
  try {
    record = message.value === null ? undefined : JSON.parse(message.value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const messageId = message.headers?.['dx-message-id'];
  return {
    messageId: messageId === undefined ? null : String(messageId),
    key: message.key === null ? null : message.key.toString('utf8'),
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    record: record as Record<string, unknown>,
  };
}

/**
 * Of `records` (one partition, in offset order), those at the first place their dx-message-id was read at for the
 * request: MirrorMaker copies at least once, and a record copied twice keeps its id and partition, so the second
 * copy is dropped here; a re-read of the same place delivers it again. Records without an id are kept.
 */
export async function firstCopies(db: Db, requestId: string, records: readonly DeliveredRecord[]): Promise<DeliveredRecord[]> {
  const first = new Map<string, DeliveredRecord>();
  for (const record of records) if (record.messageId !== null && !first.has(record.messageId)) first.set(record.messageId, record);
  if (first.size === 0) return [...records];
  const ids = [...first.keys()];
  const candidates = [...first.values()];
  await db.query(
    `INSERT INTO federation_mirror_seen (request_id, message_id, partition, "offset")
     SELECT $1, m, p, o FROM unnest($2::text[], $3::int[], $4::bigint[]) AS t(m, p, o) ON CONFLICT DO NOTHING`,
    [requestId, ids, candidates.map((record) => record.partition), candidates.map((record) => record.offset)],
  );
  const { rows } = await db.query<{ id: string; place: string }>(
    `SELECT message_id AS id, partition || ':' || "offset" AS place FROM federation_mirror_seen WHERE request_id = $1 AND message_id = ANY($2::text[])`,
    [requestId, ids],
  );
  const placeOf = new Map(rows.map((row) => [row.id, row.place]));
  return records.filter((record) => record.messageId === null || placeOf.get(record.messageId) === `${record.partition}:${record.offset}`);
}

/** A request that is closed delivers nothing more: what was seen of it is forgotten. */
export async function clearSeenOnClose(db: Db, request: { id: string; status: string }): Promise<void> {
  if (['rejected', 'revoked', 'expired'].includes(request.status)) await db.query('DELETE FROM federation_mirror_seen WHERE request_id = $1', [request.id]);
}
