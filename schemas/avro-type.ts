import avro from 'avsc';
import type { Type } from 'avsc';

/**
 * Parses an Avro schema so that decoded records are plain data: no record methods (they would
 * show up as extra enumerable properties under JSON Schema validation) and unwrapped unions,
 * matching the JSON shape of canonical records. Ambiguous unions are refused rather than wrapped.
 */
export function createAvroType(schema: avro.schema.AvroSchema | object): Type {
  return avro.Type.forSchema(schema as avro.schema.AvroSchema, { omitRecordMethods: true, wrapUnions: 'never' });
}
