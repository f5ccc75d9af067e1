import type { Message, TopicMessages } from 'kafkajs';
import type { CanonicalSchema } from '../../schemas/canonical.ts';
import type { RecordValidator } from '../../schemas/validate.ts';
import { encodeWire } from '../../schemas/wire.ts';
import { encodeHeaders } from '../kafka/encoded-headers.ts';
import type { SourceRecord } from '../../connectors/types.ts';
import type { BatchCommit, RejectedRecord } from './connector-store.ts';
import type { MappingResult } from './mapping/apply.ts';
import { messageId } from './message-id.ts';

export interface PublishTarget {
  connectorId: string;
  schema: CanonicalSchema;
  /** Registry id of the schema, written into every message (Confluent wire format): it names schema and version. */
  schemaId: number;
  topic: string;
  deadLetterTopic: string;
  map(source: Record<string, unknown>): MappingResult;
  validator: RecordValidator;
}

export type RecordOutcome = { status: 'published'; key: string } | { status: 'rejected'; errors: RejectedRecord['errors'] };

export interface PublishedBatch extends BatchCommit {
  /** Per record, in order: 1 published, 0 rejected (its reasons in `rejected`). Flags, not objects: cheap to hand between threads. */
  accepted: Uint8Array;
  /** The keys of the published records, in order. */
  publishedKeys: string[];
}

/** What became of each record of a batch, in order. */
export function recordOutcomes(batch: PublishedBatch): RecordOutcome[] {
  let published = 0;
  let rejected = 0;
  return Array.from(batch.accepted, (flag) =>
    flag === 1 ? { status: 'published', key: batch.publishedKeys[published++] as string } : { status: 'rejected', errors: (batch.rejected[rejected++] as RejectedRecord).errors },
  );
}

/**
 * Provenance, kept short: every byte is sent and stored with every record. `dx-source` is the JSON array
 * `[connector id, source partition, offset]`.
 */
function provenance(target: PublishTarget, record: SourceRecord): Record<string, string> {
  const offset = JSON.stringify(record.offset);
  return {
    'dx-message-id': messageId(target.connectorId, record.partition, offset),
    'dx-source': `[${JSON.stringify(target.connectorId)},${JSON.stringify(record.partition)},${offset}]`,
  };
}

/** Maps, validates and encodes one record; a bad record is an outcome, not an exception. */
function prepare(target: PublishTarget, record: SourceRecord): { outcome: RecordOutcome; message: Message } {
  const mapped = target.map(record.value);
  const errors = mapped.ok ? target.validator.validateRecord(target.schema.name, mapped.value) : mapped.problems;
  const timestamp = String(record.timestamp ?? Date.now());
  if (!mapped.ok || errors.length > 0) {
    const dead = { connectorId: target.connectorId, partition: record.partition, offset: record.offset, errors, source: record.value };
    return {
      outcome: { status: 'rejected', errors },
      message: { key: target.connectorId, value: JSON.stringify(dead), headers: encodeHeaders({ ...provenance(target, record), 'dx-rejected': 'true' }), timestamp },
    };
  }
  const key = String(mapped.value[target.schema.businessKey]);
  return {
    outcome: { status: 'published', key },
    message: { key, value: encodeWire(target.schemaId, target.schema.avroType, mapped.value), headers: encodeHeaders(provenance(target, record)), timestamp },
  };
}

export interface PreparedBatch extends PublishedBatch {
  topicMessages: TopicMessages[];
}

/** Maps, validates and encodes a batch: valid records for the resource topic, bad ones for its dead-letter topic. */
export function prepareBatch(target: PublishTarget, records: readonly SourceRecord[]): PreparedBatch {
  const good: Message[] = [];
  const dead: Message[] = [];
  const accepted = new Uint8Array(records.length);
  const publishedKeys: string[] = [];
  const rejected: RejectedRecord[] = [];
  const offsets = new Map<string, SourceRecord['offset']>();
  records.forEach((record, index) => {
    const { outcome, message } = prepare(target, record);
    offsets.set(record.partition, record.offset);
    if (outcome.status === 'published') {
      accepted[index] = 1;
      publishedKeys.push(outcome.key);
      good.push(message);
    } else {
      dead.push(message);
      rejected.push({ partition: record.partition, offset: record.offset, source: record.value, errors: outcome.errors });
    }
  });
  const topicMessages = [
    ...(good.length > 0 ? [{ topic: target.topic, messages: good }] : []),
    ...(dead.length > 0 ? [{ topic: target.deadLetterTopic, messages: dead }] : []),
  ];
  return { read: records.length, published: good.length, rejected, offsets, accepted, publishedKeys, topicMessages };
}

/** Kept under the broker's default message.max.bytes (1 MiB) with room for the request's own framing. */
export const MAX_REQUEST_BYTES = 900 * 1024;
const RECORD_OVERHEAD_BYTES = 70;

function messageBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD_BYTES + (message.value as Buffer | string | null)!.length + String(message.key ?? '').length;
  if (Buffer.isBuffer(message.headers)) return bytes + message.headers.length;
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + String(value).length;
  return bytes;
}

/** Splits the messages of a batch into requests of at most `maxBytes` each, keeping their order. */
export function chunkByBytes(topicMessages: readonly TopicMessages[], maxBytes = MAX_REQUEST_BYTES): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let chunk: TopicMessages[] = [];
  let size = 0;
  for (const { topic, messages } of topicMessages) {
    let current: TopicMessages = { topic, messages: [] };
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

/** Anything that sends record batches: the shared producer or a Kafka transaction. */
export interface BatchSender {
  sendBatch(batch: { acks?: number; topicMessages: TopicMessages[] }): Promise<unknown>;
}

/** Sends the messages in requests under the size cap, one after the other; resolves when all were acknowledged. */
export async function sendPrepared(sender: BatchSender, topicMessages: readonly TopicMessages[]): Promise<void> {
  await sendInRequests(sender, topicMessages).acknowledged;
}

/**
 * As sendPrepared, telling also when the last request was handed to the producer (`handedOver`): what follows this
 * batch must wait for that, not for the first request, or its records could overtake this batch's later ones.
 * `handedOver` rejects when an earlier request of the batch failed.
 */
export function sendInRequests(sender: BatchSender, topicMessages: readonly TopicMessages[]): { handedOver: Promise<void>; acknowledged: Promise<void> } {
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
