import type { BatchSender, OutgoingMessage, TopicBatch } from '../kafka/send-batch.ts';

// The produce stage: a prepared batch's messages sent in requests under the broker's size cap, in order, acks=all,
// through a BatchSender (gateway/kafka/send-batch.ts: the shared producer, or a transaction).
export type { BatchSender } from '../kafka/send-batch.ts';

/** Kept under the broker's default message.max.bytes (1 MiB) with room for the request's own framing. */
export const MAX_REQUEST_BYTES = 900 * 1024;
const RECORD_OVERHEAD_BYTES = 70;

function messageBytes(message: OutgoingMessage): number {
  return RECORD_OVERHEAD_BYTES + message.value.length + message.key.length + (message.headers?.length ?? 0);
}

/** Splits the messages of a batch into requests of at most `maxBytes` each, keeping their order. */
export function chunkByBytes(topicMessages: readonly TopicBatch[], maxBytes = MAX_REQUEST_BYTES): TopicBatch[][] {
  const chunks: TopicBatch[][] = [];
  let chunk: TopicBatch[] = [];
  let size = 0;
  for (const { topic, messages } of topicMessages) {
    let current: TopicBatch = { topic, messages: [] };
    chunk.push(current);
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (size + bytes > maxBytes && size > 0) {
        chunks.push(chunk.filter((entry) => entry.messages.length > 0));
        current = { topic, messages: [] };
        chunk = [current];
        size = 0;
      }
      current.messages.push(message);
      size += bytes;
    }
  }
  const last = chunk.filter((entry) => entry.messages.length > 0);
  if (last.length > 0) chunks.push(last);
  return chunks;
}

/** Sends the messages in requests under the size cap, one after the other; resolves when all were acknowledged. */
export async function sendPrepared(sender: BatchSender, topicMessages: readonly TopicBatch[]): Promise<void> {
  await sendInRequests(sender, topicMessages).acknowledged;
}

/**
 * As sendPrepared, telling also when the last request was handed to the producer (`handedOver`): what follows this
 * batch must wait for that, not for the first request, or its records could overtake this batch's later ones.
 * `handedOver` rejects when an earlier request of the batch failed.
 */
export function sendInRequests(sender: BatchSender, topicMessages: readonly TopicBatch[]): { handedOver: Promise<void>; acknowledged: Promise<void> } {
  let handOver!: () => void;
  let fail!: (error: unknown) => void;
  const handedOver = new Promise<void>((resolve, reject) => {
    handOver = resolve;
    fail = reject;
  });
  handedOver.catch(() => undefined);
  const acknowledged = (async () => {
    const chunks = chunkByBytes(topicMessages);
    try {
      for (const [index, chunk] of chunks.entries()) {
        const sending = sender.sendBatch({ acks: -1, topicMessages: chunk });
        if (index === chunks.length - 1) handOver();
        await sending;
      }
      handOver();
    } catch (error) {
      fail(error);
      throw error;
    }
  })();
  return { handedOver, acknowledged };
}
