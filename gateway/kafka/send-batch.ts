import type { Producer, TopicMessages, Transaction } from 'kafkajs';
import type { EncodedHeaders } from './encoded-headers.ts';

/** A message as the gateway produces it: its headers, when it has any, already encoded (see encoded-headers.ts). */
export interface OutgoingMessage {
  key: string;
  value: Buffer | string;
  headers?: EncodedHeaders;
  timestamp?: string;
}

export interface TopicBatch {
  topic: string;
  messages: OutgoingMessage[];
}

/** Anything that sends record batches: the shared producer or a Kafka transaction. */
export interface BatchSender {
  sendBatch(batch: { acks?: number; topicMessages: TopicBatch[] }): Promise<unknown>;
}

/**
 * The shared producer (or a transaction) as a BatchSender. The messages go to kafkajs as they are: their encoded
 * headers are what the patched record encoder takes where its types say a map (patches/kafkajs+2.2.4.patch).
 */
export function batchSender(producer: Producer | Transaction): BatchSender {
  return {
    sendBatch: ({ acks, topicMessages }) => producer.sendBatch({ ...(acks === undefined ? {} : { acks }), topicMessages: topicMessages as unknown as TopicMessages[] }),
  };
}
