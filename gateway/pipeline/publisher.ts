import type { Message, TopicMessages } from 'kafkajs';
import type { CanonicalSchema } from '../../schemas/canonical.ts';
import type { RecordValidator } from '../../schemas/validate.ts';
import type { SourceRecord } from '../../connectors/types.ts';
import type { BatchCommit, RejectedRecord, WarnedRecord } from './connector-store.ts';
import { redactErrors, redactOffset, redactSource } from './dead-letter.ts';
import type { MappingResult } from './mapping/apply.ts';
import { messageId } from './message-id.ts';
import { recordWarnings, warningsHeader } from '../../schemas/formats/record-warnings.ts';
import { joinBodies, MessageBodies, type PackedBatch } from './packed-batch.ts';

export interface PublishTarget {
  connectorId: string;
  schema: CanonicalSchema;
  /** Registry id of the schema, written into every message (Confluent wire format): it names schema and version. */
  schemaId: number;
  topic: string;
  deadLetterTopic: string;
  map(source: Record<string, unknown>): MappingResult;
  validator: RecordValidator;
  /** Source fields a dead letter may carry in clear (see dead-letter.ts); every other value is masked or redacted. */
  clearSourceFields: ReadonlySet<string>;
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

/** The provenance headers: `dx-source` is the JSON array `[connector id, source partition, offset]`. */
const PROVENANCE = ['dx-message-id', 'dx-source'].map((name) => Buffer.from(name, 'utf8'));
const REJECTED = [...PROVENANCE, Buffer.from('dx-rejected', 'utf8')];
/** Published records that broke a soft rule carry `dx-warnings` (see schemas/formats/record-warnings.ts). */
const WARNED = [...PROVENANCE, Buffer.from('dx-warnings', 'utf8')];

/**
 * Kept between batches (each thread has its own): what a batch's messages are written into before they are copied
 * out. One grown by an unusually large batch is let go, so that it does not stay for the life of the process.
 */
const buffers: { published: Buffer; rejected: Buffer } = { published: Buffer.allocUnsafeSlow(256 * 1024), rejected: Buffer.allocUnsafeSlow(16 * 1024) };
const MAX_KEPT_BYTES = 4 * 1024 * 1024;
const keep = (buffer: Buffer, kept: Buffer) => (buffer.length <= MAX_KEPT_BYTES ? buffer : kept);

export interface PreparedBatch extends PublishedBatch {
  topicMessages: TopicMessages[];
}

/**
 * Maps, validates and encodes a batch: valid records for the resource topic, bad ones (a bad record is an outcome,
 * not an exception) for its dead-letter topic, with provenance kept short since every byte is sent and stored
 * with every record. The messages come packed, to be moved to another thread or unpacked (unpackBatch) to send.
 */
export function prepareBatch(target: PublishTarget, records: readonly SourceRecord[]): PackedBatch {
  const published = new MessageBodies(buffers.published);
  const dead = new MessageBodies(buffers.rejected);
  const accepted = new Uint8Array(records.length);
  const rejected: RejectedRecord[] = [];
  const warned: WarnedRecord[] = [];
  const offsets = new Map<string, SourceRecord['offset']>();
  const sourcePrefixes = new Map<string, string>();
  const { connectorId, schema, schemaId } = target;
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as SourceRecord;
    const mapped = target.map(record.value);
    const errors = mapped.ok ? target.validator.validateRecord(schema.name, mapped.value) : mapped.problems;
    const offset = JSON.stringify(record.offset);
    let sourcePrefix = sourcePrefixes.get(record.partition);
    if (sourcePrefix === undefined) sourcePrefixes.set(record.partition, (sourcePrefix = `[${JSON.stringify(connectorId)},${JSON.stringify(record.partition)},`));
    const provenance = [messageId(connectorId, record.partition, offset), `${sourcePrefix}${offset}]`];
    const timestamp = String(record.timestamp ?? Date.now());
    offsets.set(record.partition, record.offset);
    if (mapped.ok && errors.length === 0) {
      accepted[index] = 1;
      const warnings = recordWarnings(schema.name, mapped.value);
      if (warnings.length > 0) warned.push({ partition: record.partition, offset: record.offset, warnings });
      published.addWire(String(mapped.value[schema.businessKey]), timestamp, schemaId, schema.avroType, mapped.value, warnings.length > 0 ? WARNED : PROVENANCE, warnings.length > 0 ? [...provenance, warningsHeader(warnings)] : provenance);
    } else {
      // The quarantine row is written after the broker's ack, so its id is not known yet: the letter names the
      // source position (connector, partition, offset), as the row does, and its dx-message-id is derived from it.
      const masked = redactOffset(offset);
      const letter = JSON.stringify({
        connectorId,
        partition: record.partition,
        offset: masked === null ? record.offset : masked.value,
        errors: redactErrors(errors),
        source: redactSource(record.value, target.clearSourceFields),
      });
      dead.addText(connectorId, timestamp, letter, REJECTED, [provenance[0] as string, masked === null ? (provenance[1] as string) : `${sourcePrefix}${masked.json}]`, 'true']);
      rejected.push({ partition: record.partition, offset: record.offset, source: record.value, errors });
    }
  }
  buffers.published = keep(published.buffer, buffers.published);
  buffers.rejected = keep(dead.buffer, buffers.rejected);
  const messages = joinBodies([
    { topic: target.topic, bodies: published },
    { topic: target.deadLetterTopic, bodies: dead },
  ]);
  return { read: records.length, published: published.count, rejected, warned, offsets, accepted, ...messages };
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
