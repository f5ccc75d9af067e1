import type { Type } from 'avsc';

export const SCHEMA_TYPES = ['AVRO', 'JSON'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];
export const DEFAULT_SCHEMA_TYPE: SchemaType = 'AVRO';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

export function isSchemaType(value: unknown): value is SchemaType {
  return typeof value === 'string' && (SCHEMA_TYPES as readonly string[]).includes(value);
}

/** A schema checked and reduced to its canonical text, ready to be stored or compared. */
export interface ParsedSchema {
  readonly type: SchemaType;
  /** Compact JSON, as stored and served. */
  readonly text: string;
  readonly json: unknown;
  /** Identity across subjects: equal fingerprints share one global id. */
  readonly fingerprint: string;
  /** Set for AVRO: the type used for schema resolution. */
  readonly avro?: Type;
}

/** A schema by its global id. Ids are immutable, so this never changes once read. */
export interface RegistrySchema {
  readonly id: number;
  readonly type: SchemaType;
  readonly schema: string;
  /** For AVRO: decodes message bodies into plain records (see schemas/avro-type.ts). */
  readonly avroType?: Type;
}

export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly type: SchemaType;
  readonly schema: string;
  readonly deleted: boolean;
}
