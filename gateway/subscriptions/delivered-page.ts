import type { TopicMessage } from '../kafka/topic-message.ts';
import { readPage, type Positions, type ReaderDependencies } from '../kafka/topic-reader.ts';
import type { DeliveredRecord } from './delivered-record.ts';

/** How long a page waits for records when there are fewer than asked for. */
const PAGE_WAIT_MS = 2000;

export interface DeliveredPage {
  records: DeliveredRecord[];
  /** Messages read, delivered or skipped. */
  read: number;
  /** Where the next page starts. */
  positions: Positions;
}

/** One page of an http pull: up to `limit` messages of `topic` from `from`, in their delivered form. */
export async function readDeliveredPage(reader: ReaderDependencies, topic: string, from: Positions, limit: number, deliver: (messages: TopicMessage[], partition: number) => Promise<DeliveredRecord[]>): Promise<DeliveredPage> {
  const page = await readPage(reader, topic, from, { limit, maxWaitMs: PAGE_WAIT_MS });
  const records: DeliveredRecord[] = [];
  let read = 0;
  for (const { partition, messages } of page.batches) {
    read += messages.length;
    records.push(...(await deliver(messages, partition)));
  }
  return { records, read, positions: page.positions };
}

/** The NDJSON body of a page. */
export function ndjson(records: readonly DeliveredRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}
