export { createSchemaRegistry, type Registration, type RegistryDatabase, type SchemaInput, type SchemaRegistry } from './registry.ts';
export { REGISTRY_ERRORS, RegistryError, registryError, type RegistryErrorCode } from './errors.ts';
export { parseVersionId, type VersionId } from './version-id.ts';
export {
  COMPATIBILITY_LEVELS,
  DEFAULT_COMPATIBILITY,
  SCHEMA_TYPES,
  isCompatibilityLevel,
  isSchemaType,
  type CompatibilityLevel,
  type RegistrySchema,
  type SchemaType,
  type SubjectVersion,
} from './types.ts';
