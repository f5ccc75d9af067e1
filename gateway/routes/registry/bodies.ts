import { Type, type Static } from '@sinclair/typebox';
import type { SubjectVersion } from '../../../schemas/registry/index.ts';

export const RegistryErrorBody = Type.Object(
  { error_code: Type.Integer({ description: 'Confluent Schema Registry error code, e.g. 40401' }), message: Type.String() },
  { $id: 'RegistryErrorBody', description: 'Every schema registry error (Confluent shape)' },
);

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, RegistryErrorBody]));

/** Errors every registry route may answer, so the OpenAPI document lists them. */
export const READ_ERRORS = errors(401, 403, 404, 422, 500);
export const REGISTER_ERRORS = errors(401, 403, 404, 409, 422, 500);

const Subject = Type.String({ minLength: 1, maxLength: 255, description: 'Subject, e.g. population.person-value' });
const Version = Type.String({ description: 'A version number, or "latest" (also -1)' });

export const SubjectParams = Type.Object({ subject: Subject });
export const SubjectVersionParams = Type.Object({ subject: Subject, version: Version });
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Global schema id' }) });

export const DeletedQuery = Type.Object({ deleted: Type.Boolean({ default: false, description: 'Include soft-deleted versions' }) });
export const PermanentQuery = Type.Object({ permanent: Type.Boolean({ default: false, description: 'Remove a soft-deleted version or subject for good' }) });
export const VerboseQuery = Type.Object({ verbose: Type.Boolean({ default: false, description: 'Say why the schema is incompatible' }) });
export const DefaultToGlobalQuery = Type.Object({ defaultToGlobal: Type.Boolean({ default: false, description: 'Answer the global level when the subject has none of its own' }) });

// Confluent's clients send `null` for what they leave unset; a nullable type keeps ajv from coercing it.
const nullable = <T>(type: string, description: string) => Type.Optional(Type.Unsafe<T | null>({ type: [type, 'null'], description }));

export const SchemaBody = Type.Object(
  {
    schema: Type.String({ description: 'The schema, as a JSON string' }),
    schemaType: nullable<string>('string', 'AVRO (default) or JSON'),
    references: nullable<unknown[]>('array', 'Schema references: not supported, must be empty'),
  },
  { additionalProperties: true },
);
export type SchemaBodyType = Static<typeof SchemaBody>;

export const ConfigBody = Type.Object({ compatibility: Type.String({ description: 'NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE' }) });

const SchemaType = Type.Optional(Type.String({ description: 'Omitted for AVRO, as Confluent does' }));

export const VersionBody = Type.Object({ subject: Type.String(), id: Type.Integer(), version: Type.Integer(), schema: Type.String(), schemaType: SchemaType });
export const SchemaByIdBody = Type.Object({ schema: Type.String(), schemaType: SchemaType });
export const RawSchema = Type.Unknown({ description: 'The schema itself' });
export const IdBody = Type.Object({ id: Type.Integer() });
export const CompatibilityBody = Type.Object({ is_compatible: Type.Boolean(), messages: Type.Optional(Type.Array(Type.String())) });
export const LevelBody = Type.Object({ compatibilityLevel: Type.String() });
export const UpdatedLevelBody = Type.Object({ compatibility: Type.String() });

/** A subject version as Confluent answers it: `schemaType` only when not AVRO. */
export function versionBody(version: SubjectVersion) {
  return {
    subject: version.subject,
    id: version.id,
    version: version.version,
    schema: version.schema,
    ...(version.type === 'AVRO' ? {} : { schemaType: version.type }),
  };
}
