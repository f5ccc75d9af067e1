import { readFileSync } from 'node:fs';
import type { Type } from 'avsc';
import { projectPath } from '../project-root.ts';
import { createAvroType } from './avro-type.ts';
import type { CanonicalSchemaName } from './records.ts';

export interface JsonSchemaProperty {
  readonly title: string;
  readonly description: string;
  readonly type: string | readonly string[];
  readonly [keyword: string]: unknown;
}

export interface CanonicalJsonSchema {
  readonly $id: string;
  readonly title: string;
  readonly description: string;
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, JsonSchemaProperty>>;
  readonly [keyword: string]: unknown;
}

/**
 * The formats a field may be checked against: its own, and those of `allOf` branches' `then` (a holder code is an
 * ID number when its type is 111, a credit code when 001).
 */
export function formatsOf(schema: CanonicalJsonSchema, field: string): string[] {
  const formats = new Set<string>();
  const own = schema.properties[field]?.format;
  if (typeof own === 'string') formats.add(own);
  for (const branch of Array.isArray(schema['allOf']) ? (schema['allOf'] as unknown[]) : []) {
    const format = (branch as { then?: { properties?: Record<string, { format?: unknown }> } }).then?.properties?.[field]?.format;
    if (typeof format === 'string') formats.add(format);
  }
  return [...formats];
}

export interface AvroField {
  readonly name: string;
  readonly type: unknown;
  readonly doc: string;
  readonly default?: unknown;
}

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace: string;
  readonly doc: string;
  readonly fields: readonly AvroField[];
}

export interface CanonicalSchema {
  /** `<domain>.<entity>`, e.g. `population.person`. */
  readonly name: CanonicalSchemaName;
  readonly version: number;
  /** Schema Registry subject (TopicNameStrategy value subject). */
  readonly subject: string;
  readonly businessKey: string;
  readonly avroSchema: AvroRecordSchema;
  readonly avroType: Type;
  readonly jsonSchema: CanonicalJsonSchema;
}

interface CatalogueEntry {
  readonly name: CanonicalSchemaName;
  readonly version: number;
  readonly businessKey: string;
  readonly file: string;
}

const ENTRIES: readonly CatalogueEntry[] = [
  { name: 'population.person', version: 1, businessKey: 'id_number', file: 'population/person.v1' },
  { name: 'legal-person.organisation', version: 1, businessKey: 'credit_code', file: 'legal-person/organisation.v1' },
  { name: 'licence.licence', version: 1, businessKey: 'licence_number', file: 'licence/licence.v1' },
];

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(projectPath('schemas', path), 'utf8'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loadAvroSchema(path: string): AvroRecordSchema {
  const schema = readJson(path);
  if (!isObject(schema) || schema['type'] !== 'record' || !Array.isArray(schema['fields'])) {
    throw new Error(`${path} is not an Avro record schema`);
  }
  return schema as unknown as AvroRecordSchema;
}

function loadJsonSchema(path: string): CanonicalJsonSchema {
  const schema = readJson(path);
  if (!isObject(schema) || !isObject(schema['properties']) || !Array.isArray(schema['required'])) {
    throw new Error(`${path} is not an object JSON Schema with properties and required`);
  }
  return schema as unknown as CanonicalJsonSchema;
}

function load(entry: CatalogueEntry): CanonicalSchema {
  const avroSchema = loadAvroSchema(`./${entry.file}.avsc`);
  const jsonSchema = loadJsonSchema(`./${entry.file}.schema.json`);
  if (!jsonSchema.required.includes(entry.businessKey)) {
    throw new Error(`${entry.name}: business key ${entry.businessKey} is not required`);
  }
  return Object.freeze({
    name: entry.name,
    version: entry.version,
    subject: `${entry.name}-value`,
    businessKey: entry.businessKey,
    avroSchema,
    avroType: createAvroType(avroSchema),
    jsonSchema,
  });
}

export const CANONICAL_SCHEMAS: readonly CanonicalSchema[] = Object.freeze(ENTRIES.map(load));

export function findCanonicalSchema(name: string): CanonicalSchema | undefined {
  return CANONICAL_SCHEMAS.find((schema) => schema.name === name);
}

export function getCanonicalSchema(name: string): CanonicalSchema {
  const schema = findCanonicalSchema(name);
  if (schema === undefined) throw new Error(`unknown canonical schema: ${name}`);
  return schema;
}
