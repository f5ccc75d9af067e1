import type { SourceRecord } from '../../../connectors/types.ts';
import type { PackedBatch, PublishTarget, RejectedRecord } from '../batch.ts';
import { redactErrors, redactOffset, redactSource } from './dead-letter.ts';
import { joinBodies, MessageBodies } from './message-bodies.ts';
import { messageId } from './message-id.ts';

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

export type EncodedMessages = Pick<PackedBatch, 'topics' | 'keys' | 'timestamps' | 'bodies' | 'valueEnds' | 'headerEnds'>;

/**
 * The encode stage of one batch: a valid record becomes a message of the resource topic (its business key, the
 * Avro value in the wire format, provenance headers), a rejected one a dead letter (its reasons and its source
 * redacted), with provenance kept short since every byte is sent and stored with every record. `finish` answers the
 * messages packed: resource topic first, then dead letters.
 */
export function createBatchEncoder(target: PublishTarget) {
  const published = new MessageBodies(buffers.published);
  const dead = new MessageBodies(buffers.rejected);
  const sourcePrefixes = new Map<string, string>();
  const { connectorId, schema, schemaId } = target;

  function sourcePrefixOf(partition: string): string {
    let sourcePrefix = sourcePrefixes.get(partition);
    if (sourcePrefix === undefined) sourcePrefixes.set(partition, (sourcePrefix = `[${JSON.stringify(connectorId)},${JSON.stringify(partition)},`));
    return sourcePrefix;
  }

  return {
    get published(): number {
      return published.count;
    },

    /** `warnings`: the record's data-quality warnings header (warningsHeader), when it broke a soft rule. */
    publish(record: SourceRecord, value: Record<string, unknown>, warnings?: string): void {
      const offset = JSON.stringify(record.offset);
      const provenance = [messageId(connectorId, record.partition, offset), `${sourcePrefixOf(record.partition)}${offset}]`];
      if (warnings !== undefined) provenance.push(warnings);
      published.addWire(String(value[schema.businessKey]), String(record.timestamp ?? Date.now()), schemaId, schema.avroType, value, warnings === undefined ? PROVENANCE : WARNED, provenance);
    },

    reject(record: SourceRecord, errors: RejectedRecord['errors']): void {
      const offset = JSON.stringify(record.offset);
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
      const source = `${sourcePrefixOf(record.partition)}${masked === null ? offset : masked.json}]`;
      dead.addText(connectorId, String(record.timestamp ?? Date.now()), letter, REJECTED, [messageId(connectorId, record.partition, offset), source, 'true']);
    },

    finish(): EncodedMessages {
      buffers.published = keep(published.buffer, buffers.published);
      buffers.rejected = keep(dead.buffer, buffers.rejected);
      return joinBodies([
        { topic: target.topic, bodies: published },
        { topic: target.deadLetterTopic, bodies: dead },
      ]);
    },
  };
}
