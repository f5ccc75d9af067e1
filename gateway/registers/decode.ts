import type { RegistrySchema } from '../../schemas/registry/types.ts';
import { decodeWire, readWireSchemaId, WireFormatError } from '../../schemas/wire.ts';

export type DecodeOutcome = { record: Record<string, unknown> } | { problem: string };

/**
 * Decodes a resource topic value (Confluent wire format) with the registry. A value that is not a record of a known
 * schema is a problem (the record is skipped); a registry that cannot answer (the database is down) rejects, so
 * that the batch is applied later instead of skipped.
 */
export function createValueDecoder(registry: { getById(id: number): Promise<RegistrySchema | undefined> }) {
  return async (value: Buffer): Promise<DecodeOutcome> => {
    let schemaId: number;
    try {
      schemaId = readWireSchemaId(value);
    } catch (err) {
      return { problem: (err as Error).message };
    }
    const schema = await registry.getById(schemaId);
    if (!schema?.avroType) return { problem: `unknown schema id ${schemaId}` };
    try {
      const decoded = decodeWire(value, () => schema.avroType).value;
      return typeof decoded === 'object' && decoded !== null ? { record: decoded as Record<string, unknown> } : { problem: 'the value is not a record' };
    } catch (err) {
      if (err instanceof WireFormatError) return { problem: err.message };
      throw err;
    }
  };
}

export type ValueDecoder = ReturnType<typeof createValueDecoder>;
