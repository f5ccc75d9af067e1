import type { Message, TopicMessages } from 'kafkajs';
import type { PreparedBatch } from './publisher.ts';

/**
 * A prepared batch in the form one thread hands to another: every message value in one ArrayBuffer that is moved,
 * not copied, and keys, timestamps and headers as flat string lists (cheap to clone). Cloning 1,000 messages as
 * objects would cost the receiving event loop about as much as preparing them. Made for the pipeline's messages:
 * every one has a key and a value (a null value or key would come back empty) and string headers.
 */
export interface PackedBatch extends Omit<PreparedBatch, 'topicMessages' | 'publishedKeys'> {
  topics: { topic: string; count: number }[];
  keys: string[];
  timestamps: string[];
  /** Per message, its header count, then that many name/value pairs in `headers`. */
  headerCounts: Uint8Array;
  headers: string[];
  /** Where each value ends in `values`. */
  valueEnds: Uint32Array;
  values: ArrayBuffer;
}

const asBuffer = (value: Message['value']): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(String(value ?? ''), 'utf8'));

export function packBatch(batch: PreparedBatch): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  // The published keys are the keys of the first messages (the resource topic's): not sent twice.
  const { topicMessages, publishedKeys: _keys, ...rest } = batch;
  const messages = topicMessages.flatMap((entry) => entry.messages);
  const values = messages.map((message) => asBuffer(message.value));
  const joined = Buffer.concat(values);
  // A fresh ArrayBuffer holding exactly the values: Buffer.concat may return a view into Node's shared pool.
  const buffer = joined.byteOffset === 0 && joined.byteLength === joined.buffer.byteLength ? (joined.buffer as ArrayBuffer) : joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
  const valueEnds = new Uint32Array(messages.length);
  const headerCounts = new Uint8Array(messages.length);
  const keys: string[] = [];
  const timestamps: string[] = [];
  const headers: string[] = [];
  let end = 0;
  messages.forEach((message, index) => {
    end += (values[index] as Buffer).length;
    valueEnds[index] = end;
    keys.push(String(message.key ?? ''));
    timestamps.push(String(message.timestamp ?? ''));
    const entries = Object.entries(message.headers ?? {});
    headerCounts[index] = entries.length;
    for (const [name, value] of entries) headers.push(name, String(value));
  });
  const packed: PackedBatch = { ...rest, topics: topicMessages.map(({ topic, messages: list }) => ({ topic, count: list.length })), keys, timestamps, headerCounts, headers, valueEnds, values: buffer };
  return { packed, transfer: [buffer, valueEnds.buffer as ArrayBuffer, headerCounts.buffer as ArrayBuffer, rest.accepted.buffer as ArrayBuffer] };
}

export function unpackBatch(packed: PackedBatch): PreparedBatch {
  const { topics, keys, timestamps, headerCounts, headers, valueEnds, values, ...rest } = packed;
  let index = 0;
  let start = 0;
  let header = 0;
  const topicMessages: TopicMessages[] = topics.map(({ topic, count }) => {
    const messages: Message[] = [];
    for (let n = 0; n < count; n++, index++) {
      const end = valueEnds[index] as number;
      const messageHeaders: Record<string, string> = {};
      for (let h = 0; h < (headerCounts[index] as number); h++, header += 2) messageHeaders[headers[header] as string] = headers[header + 1] as string;
      messages.push({ key: keys[index] as string, value: Buffer.from(values, start, end - start), headers: messageHeaders, timestamp: timestamps[index] as string });
      start = end;
    }
    return { topic, messages };
  });
  return { ...rest, publishedKeys: keys.slice(0, rest.published), topicMessages };
}
