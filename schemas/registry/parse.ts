import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import avro from 'avsc';
import { registryError } from './errors.ts';
import type { ParsedSchema, SchemaType } from './types.ts';

// Formats and custom keywords (the canonical schemas use both) are the validator's business, not the registry's:
// here a JSON Schema only has to be well-formed against its meta-schema and compile.
const JSON_SCHEMA_OPTIONS = { strict: false, validateFormats: false, allowUnionTypes: true } as const;

/** JSON with object keys sorted, so that key order does not make two equal schemas different. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function readJson(schema: string | object): unknown {
  if (typeof schema !== 'string') return schema;
  try {
    return JSON.parse(schema);
  } catch (err) {
    throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', `Invalid schema: not JSON (${(err as Error).message})`, { cause: err });
  }
}

function checkAvro(json: unknown): avro.Type {
  try {
    return avro.Type.forSchema(json as avro.Schema);
  } catch (err) {
    throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', `Invalid Avro schema: ${(err as Error).message}`, { cause: err });
  }
}

function checkJsonSchema(json: unknown): void {
  if (typeof json !== 'boolean' && (json === null || typeof json !== 'object' || Array.isArray(json))) {
    throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', 'Invalid JSON Schema: must be an object or a boolean');
  }
  if (typeof json === 'boolean') return;
  const dialect = String((json as Record<string, unknown>)['$schema'] ?? '');
  // A fresh instance each time: schemas are checked rarely, and nothing (ids, refs) carries over between them.
  const ajv = dialect.includes('2020-12') ? new Ajv2020(JSON_SCHEMA_OPTIONS) : new Ajv(JSON_SCHEMA_OPTIONS);
  try {
    ajv.compile(json as object);
  } catch (err) {
    throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', `Invalid JSON Schema: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Checks a schema of the given type (Avro through avsc, JSON Schema draft-07 or 2020-12 through ajv) and
 * computes its canonical text and fingerprint. Throws DX_ERR_REGISTRY_INVALID_SCHEMA (42201).
 */
export function parseSchema(schema: string | object, type: SchemaType): ParsedSchema {
  const json = readJson(schema);
  const avroType = type === 'AVRO' ? checkAvro(json) : undefined;
  if (type === 'JSON') checkJsonSchema(json);
  const fingerprint = createHash('sha256').update(`${type}:${stableStringify(json)}`).digest('hex');
  return { type, text: JSON.stringify(json), json, fingerprint, ...(avroType ? { avro: avroType } : {}) };
}
