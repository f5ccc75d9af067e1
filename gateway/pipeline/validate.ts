import type { RecordValidator } from '../../schemas/validate.ts';
import type { RejectedRecord } from './batch.ts';
import type { MappingResult } from './mapping/apply.ts';

/**
 * The validate stage: a mapped record against its canonical schema (JSON Schema with the domain formats of
 * schemas/formats/). Every problem at once; none means the record is published. A record that could not be mapped
 * answers its mapping problems.
 */
export function validateMapped(validator: RecordValidator, schemaName: string, mapped: MappingResult): RejectedRecord['errors'] {
  return mapped.ok ? validator.validateRecord(schemaName, mapped.value) : mapped.problems;
}
