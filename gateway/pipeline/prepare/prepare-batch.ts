import type { SourceRecord } from '../../../connectors/types.ts';
import { recordWarnings, warningsHeader } from '../../../schemas/formats/record-warnings.ts';
import type { PackedBatch, PublishTarget, RejectedRecord, WarnedRecord } from '../batch.ts';
import { createBatchEncoder } from '../encode/encode-batch.ts';
import { validateMapped } from '../validate.ts';

/**
 * Map → validate → encode, record by record: valid records for the resource topic, bad ones (a bad record is an
 * outcome, not an exception) for its dead-letter topic. The messages come packed, to be moved to another thread or
 * unpacked (unpackBatch) to send.
 */
export function prepareBatch(target: PublishTarget, records: readonly SourceRecord[]): PackedBatch {
  const encoder = createBatchEncoder(target);
  const accepted = new Uint8Array(records.length);
  const rejected: RejectedRecord[] = [];
  const warned: WarnedRecord[] = [];
  const offsets = new Map<string, SourceRecord['offset']>();
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as SourceRecord;
    const mapped = target.map(record.value);
    const errors = validateMapped(target.validator, target.schema.name, mapped);
    offsets.set(record.partition, record.offset);
    if (mapped.ok && errors.length === 0) {
      accepted[index] = 1;
      const warnings = recordWarnings(target.schema.name, mapped.value);
      if (warnings.length === 0) encoder.publish(record, mapped.value);
      else {
        warned.push({ partition: record.partition, offset: record.offset, warnings });
        encoder.publish(record, mapped.value, warningsHeader(warnings));
      }
    } else {
      encoder.reject(record, errors);
      rejected.push({ partition: record.partition, offset: record.offset, source: record.value, errors });
    }
  }
  const published = encoder.published;
  return { read: records.length, published, rejected, warned, offsets, accepted, ...encoder.finish() };
}
