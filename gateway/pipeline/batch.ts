import type { JsonValue } from '../../connectors/types.ts';
import type { CanonicalSchema } from '../../schemas/canonical.ts';
import type { RecordValidator } from '../../schemas/validate.ts';
import type { TopicBatch } from '../kafka/send-batch.ts';
import type { MappingResult } from './mapping/apply.ts';
import type { MappingSpec } from './mapping/spec.ts';

/**
 * The contract between the stages of the data path (read → map → validate → encode → produce → commit): what each
 * stage hands the next. Every stage imports its types from here, and none from another stage.
 */

/** What a batch is prepared for: plain data, so a worker thread can build the same PublishTarget. */
export interface TargetSpec {
  connectorId: string;
  /** Changes whenever the connector does (its updatedAt): a target built from an older spec is rebuilt. */
  version: string;
  schemaName: string;
  schemaId: number;
  topic: string;
  deadLetterTopic: string;
  mapping: MappingSpec;
  /** Source fields a dead letter may carry in clear: mapped only to catalogue items of sensitivity 1 or 2. */
  clearSourceFields: string[];
}

/** A TargetSpec built: the mapper, the validator and the schema the stages of preparation run with. */
export interface PublishTarget {
  connectorId: string;
  schema: CanonicalSchema;
  /** Registry id of the schema, written into every message (Confluent wire format): it names schema and version. */
  schemaId: number;
  topic: string;
  deadLetterTopic: string;
  map(source: Record<string, unknown>): MappingResult;
  validator: RecordValidator;
  /** Source fields a dead letter may carry in clear (see encode/dead-letter.ts); every other value is masked or redacted. */
  clearSourceFields: ReadonlySet<string>;
}

export interface RejectedRecord {
  partition: string;
  offset: JsonValue;
  source: Record<string, unknown>;
  errors: { path: string; rule: string; message: string }[];
}

/** A published record that broke soft rules (schemas/formats/record-warnings.ts). */
export interface WarnedRecord {
  partition: string;
  offset: JsonValue;
  warnings: readonly { path: string; rule: string; message: string }[];
}

/** What the commit stage stores once the broker acknowledged a batch. */
export interface BatchCommit {
  read: number;
  published: number;
  rejected: RejectedRecord[];
  /** Published records with data-quality warnings; absent: none. */
  warned?: WarnedRecord[];
  /** The offset of the last record of each partition in the batch. */
  offsets: Map<string, JsonValue>;
}

export interface PublishedBatch extends BatchCommit {
  /** Per record, in order: 1 published, 0 rejected (its reasons in `rejected`). Flags, not objects: cheap to hand between threads. */
  accepted: Uint8Array;
  /** The keys of the published records, in order. */
  publishedKeys: string[];
}

/** A batch ready to produce: its messages for the resource topic, then those for its dead-letter topic. */
export interface PreparedBatch extends PublishedBatch {
  topicMessages: TopicBatch[];
}

/**
 * A prepared batch in the form one thread hands to another: every message's value and encoded headers in one
 * ArrayBuffer that is moved, not copied, and keys and timestamps as flat string lists (cheap to clone). Cloning
 * 1,000 messages as objects would cost the receiving event loop about as much as preparing them. Every message has a
 * key, a value and encoded headers.
 */
export interface PackedBatch extends Omit<PreparedBatch, 'topicMessages' | 'publishedKeys'> {
  topics: { topic: string; count: number }[];
  keys: string[];
  timestamps: string[];
  /** Per message, its value, then its headers as the record carries them (see writeHeaders). */
  bodies: ArrayBuffer;
  /** Where each message's value ends in `bodies`; its headers follow, up to the next message. */
  valueEnds: Uint32Array;
  /** Where each message's headers end in `bodies`. */
  headerEnds: Uint32Array;
}

export type RecordOutcome = { status: 'published'; key: string } | { status: 'rejected'; errors: RejectedRecord['errors'] };

/** What became of each record of a batch, in order. */
export function recordOutcomes(batch: PublishedBatch): RecordOutcome[] {
  let published = 0;
  let rejected = 0;
  return Array.from(batch.accepted, (flag) =>
    flag === 1 ? { status: 'published', key: batch.publishedKeys[published++] as string } : { status: 'rejected', errors: (batch.rejected[rejected++] as RejectedRecord).errors },
  );
}
