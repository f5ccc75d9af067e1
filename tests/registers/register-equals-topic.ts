import { isDeepStrictEqual } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Queryable } from '../../gateway/db/database.ts';
import type { ValueDecoder } from '../../gateway/registers/decode.ts';


interface TopicRecord {
  partition: number;
  offset: bigint;
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** The end (next offset to be written) of each partition. */
export async function topicHighs(brokers: string[], topic: string): Promise<Map<number, bigint>> {
  const admin = new Kafka({ clientId: 'test-ends', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, BigInt(high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Every record of `topic` up to `highs`, read with a consumer of the test's own. */
async function readTopic(brokers: string[], topic: string, highs: Map<number, bigint>): Promise<TopicRecord[]> {
  const consumer = new Kafka({ clientId: 'test-read', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `test-read-${topic}-${Date.now()}` });
  const records: TopicRecord[] = [];
  const reached = new Map<number, bigint>();
  const complete = () => [...highs].every(([partition, high]) => high === 0n || (reached.get(partition) ?? -1n) >= high - 1n);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= (highs.get(batch.partition) ?? 0n)) continue;
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
          records.push({ partition: batch.partition, offset, key: String(message.key), value: message.value, headers });
          reached.set(batch.partition, offset);
        }
      },
    });
    const deadline = Date.now() + 60_000;
    while (!complete()) {
      if (Date.now() > deadline) throw new Error('timed out reading the topic');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Waits until the register's stored positions are the topic's ends (every record applied or skipped). */
export async function waitForRegisterAtEnd(db: Queryable, resourceId: string, highs: Map<number, bigint>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ partition: number; next: string }>(
      'SELECT o.partition, o.next_offset::text AS next FROM register_offsets o JOIN registers g ON g.resource_id = o.resource_id AND g.active_generation = o.generation WHERE o.resource_id = $1',
      [resourceId],
    );
    const at = new Map(rows.map((row) => [row.partition, BigInt(row.next)]));
    if ([...highs].every(([partition, high]) => high === 0n || at.get(partition) === high)) return;
    if (Date.now() > deadline) throw new Error(`the register did not reach the end of its topic: at ${JSON.stringify([...at].map(([p, n]) => [p, String(n)]))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Comparison {
  topicRecords: number;
  keys: number;
  entries: number;
  /** Keys whose last record is not in the register, or is there from another position (older, or applied twice over a newer one). */
  wrongPosition: string[];
  wrongValue: string[];
  wrongProvenance: string[];
  /** Entries of keys the topic does not hold (or whose last record is a tombstone). */
  extra: string[];
}

/**
 * Compares the register's active generation with a full read of its topic: one entry per key whose last record is
 * not a tombstone, holding that record's partition, offset, message id, source position and decoded value.
 */
export async function compareRegisterWithTopic(options: { db: Queryable; resourceId: string; topic: string; brokers: string[]; highs: Map<number, bigint>; decode: ValueDecoder }): Promise<Comparison> {
  const records = await readTopic(options.brokers, options.topic, options.highs);
  const last = new Map<string, TopicRecord>();
  for (const record of records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))) last.set(record.key, record);
  const { rows } = await options.db.query<{ key: string; record: unknown; partition: number; offset: string; messageId: string | null; source: unknown }>(
    `SELECT e.key, e.record, e.partition, e."offset"::text AS offset, e.message_id AS "messageId", e.source
     FROM register_entries e JOIN registers g ON g.resource_id = e.resource_id AND g.active_generation = e.generation WHERE e.resource_id = $1`,
    [options.resourceId],
  );
  const entries = new Map(rows.map((row) => [row.key, row]));
  const comparison: Comparison = { topicRecords: records.length, keys: 0, entries: entries.size, wrongPosition: [], wrongValue: [], wrongProvenance: [], extra: [] };
  for (const [key, record] of last) {
    if (record.value === null) continue;
    comparison.keys++;
    const entry = entries.get(key);
    entries.delete(key);
    if (!entry || entry.partition !== record.partition || BigInt(entry.offset) !== record.offset) {
      comparison.wrongPosition.push(key);
      continue;
    }
    const decoded = await options.decode(record.value);
    if (!('record' in decoded) || !isDeepStrictEqual(JSON.parse(JSON.stringify(decoded.record)), entry.record)) comparison.wrongValue.push(key);
    const source = record.headers['dx-source'];
    if (entry.messageId !== (record.headers['dx-message-id'] ?? null) || !isDeepStrictEqual(entry.source, source === undefined ? null : JSON.parse(source))) comparison.wrongProvenance.push(key);
  }
  comparison.extra = [...entries.keys()];
  return comparison;
}
