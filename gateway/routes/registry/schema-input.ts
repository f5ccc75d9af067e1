import { isSchemaType, registryError, type SchemaType } from '../../../schemas/registry/index.ts';
import type { SchemaBodyType } from './bodies.ts';

/** The schema and type of a register, look-up or compatibility body; 42201 for what the registry cannot hold. */
export function schemaInput(body: SchemaBodyType): { schema: string; type: SchemaType } {
  const type = body.schemaType ?? 'AVRO';
  if (!isSchemaType(type)) throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', `Invalid schema type ${type}: this registry holds AVRO and JSON schemas`);
  if (body.references && body.references.length > 0) {
    throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', 'Invalid schema: schema references are not supported; inline the referenced types');
  }
  if (body.schema.trim() === '') throw registryError('DX_ERR_REGISTRY_INVALID_SCHEMA', 'Invalid schema: empty schema');
  return { schema: body.schema, type };
}
