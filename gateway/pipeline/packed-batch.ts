import type { Message, TopicMessages } from 'kafkajs';
import { asHeaders } from '../kafka/encoded-headers.ts';
import type { PreparedBatch } from './publisher.ts';

/**
 * A prepared batch in the form one thread hands to another: every message's value and encoded headers in one
 * ArrayBuffer that is moved, not copied, and keys and timestamps as flat string lists (cheap to clone). Cloning
 * 1,000 messages as objects would cost the receiving event loop about as much as preparing them. Made for the
 * pipeline's messages: every one has a key, a value (a null value or key would come back empty) and encoded headers.
 */
export interface PackedBatch extends Omit<PreparedBatch, 'topicMessages' | 'publishedKeys'> {
  topics: { topic: string; count: number }[];
  keys: string[];
  timestamps: string[];
  /** Per message, its value, then its headers as the record carries them (see encodeHeaders). */
  bodies: ArrayBuffer;
  /** Where each message's value ends in `bodies`; its headers follow, up to the next message. */
  valueEnds: Uint32Array;
  /** Where each message's headers end in `bodies`. */
  headerEnds: Uint32Array;
}

const asBuffer = (value: Message['value']): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(String(value ?? ''), 'utf8'));

function encodedHeaders(message: Message): Buffer {
  if (!Buffer.isBuffer(message.headers)) throw new Error('a packed message carries its headers encoded (see encodeHeaders)');
  return message.headers;
}

export function packBatch(batch: PreparedBatch): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  // The published keys are the keys of the first messages (the resource topic's): not sent twice.
  const { topicMessages, publishedKeys: _keys, ...rest } = batch;
  const messages = topicMessages.flatMap((entry) => entry.messages);
  const parts: Buffer[] = [];
  const valueEnds = new Uint32Array(messages.length);
  const headerEnds = new Uint32Array(messages.length);
  const keys: string[] = [];
  const timestamps: string[] = [];
  let end = 0;
  messages.forEach((message, index) => {
    const value = asBuffer(message.value);
    const headers = encodedHeaders(message);
    parts.push(value, headers);
    valueEnds[index] = end += value.length;
    headerEnds[index] = end += headers.length;
    keys.push(String(message.key ?? ''));
    timestamps.push(String(message.timestamp ?? ''));
  });
  const joined = Buffer.concat(parts, end);
  // A fresh ArrayBuffer holding exactly the bodies: Buffer.concat may return a view into Node's shared pool.
  const bodies = joined.byteOffset === 0 && joined.byteLength === joined.buffer.byteLength ? (joined.buffer as ArrayBuffer) : (joined.buffer.slice(joined.byteOffset, joined.byteOffset + end) as ArrayBuffer);
  const packed: PackedBatch = { ...rest, topics: topicMessages.map(({ topic, messages: list }) => ({ topic, count: list.length })), keys, timestamps, bodies, valueEnds, headerEnds };
  return { packed, transfer: [bodies, valueEnds.buffer as ArrayBuffer, headerEnds.buffer as ArrayBuffer, rest.accepted.buffer as ArrayBuffer] };
}

export function unpackBatch(packed: PackedBatch): PreparedBatch {
  const { topics, keys, timestamps, bodies, valueEnds, headerEnds, ...rest } = packed;
  let index = 0;
  let start = 0;
  const topicMessages: TopicMessages[] = topics.map(({ topic, count }) => {
    const messages: Message[] = [];
    for (let n = 0; n < count; n++, index++) {
      const valueEnd = valueEnds[index] as number;
      const headerEnd = headerEnds[index] as number;
      const headers = asHeaders(Buffer.from(bodies, valueEnd, headerEnd - valueEnd));
      messages.push({ key: keys[index] as string, value: Buffer.from(bodies, start, valueEnd - start), headers, timestamp: timestamps[index] as string });
      start = headerEnd;
    }
    return { topic, messages };
  });
  return { ...rest, publishedKeys: keys.slice(0, rest.published), topicMessages };
}
