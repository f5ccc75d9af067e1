import { asEncodedHeaders } from '../../kafka/encoded-headers.ts';
import type { OutgoingMessage, TopicBatch } from '../../kafka/send-batch.ts';
import type { PackedBatch, PreparedBatch } from '../batch.ts';

/** What a packed batch moves to the receiving thread instead of copying. */
export function transferables(packed: PackedBatch): ArrayBuffer[] {
  return [packed.bodies, packed.valueEnds.buffer as ArrayBuffer, packed.headerEnds.buffer as ArrayBuffer, packed.accepted.buffer as ArrayBuffer];
}

/** Back on the event loop: the messages of a packed batch as the produce stage sends them, sharing its bytes. */
export function unpackBatch(packed: PackedBatch): PreparedBatch {
  const { topics, keys, timestamps, bodies, valueEnds, headerEnds, ...rest } = packed;
  let index = 0;
  let start = 0;
  const topicMessages: TopicBatch[] = topics.map(({ topic, count }) => {
    const messages: OutgoingMessage[] = [];
    for (let n = 0; n < count; n++, index++) {
      const valueEnd = valueEnds[index] as number;
      const headerEnd = headerEnds[index] as number;
      const headers = asEncodedHeaders(Buffer.from(bodies, valueEnd, headerEnd - valueEnd));
      messages.push({ key: keys[index] as string, value: Buffer.from(bodies, start, valueEnd - start), headers, timestamp: timestamps[index] as string });
      start = headerEnd;
    }
    return { topic, messages };
  });
  return { ...rest, publishedKeys: keys.slice(0, rest.published), topicMessages };
}
