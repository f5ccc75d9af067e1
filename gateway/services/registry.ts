import type { CompatibilityLevel, Registration, SchemaRegistry, SchemaType, VersionId } from '../../schemas/registry/index.ts';
import type { Principal } from '../auth/principal.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { auditedTransaction, type AuditAppender, type Audited } from './audited.ts';

type Actor = Principal | null;

const subjectObject = (subject: string) => ({ type: 'schema-subject', id: subject });

/**
 * Schema registry writes, each with its audit entry in one transaction under the registry's lock: a failed append
 * leaves the subject as it was. Reads stay on `app.schemaRegistry`.
 */
export function createRegistryService(deps: { db: Db; audit: AuditAppender; registryOn(db: Db): SchemaRegistry }) {
  const { db, audit } = deps;

  function write<T>(work: (registry: SchemaRegistry) => Promise<Audited<T>>): Promise<T> {
    return auditedTransaction(db, audit, (client) => work(deps.registryOn(inTransaction(db, client))));
  }

  return {
    /** Registers a schema (recorded also when the subject already held it: the answer is the same). */
    register(subject: string, schema: string | object, type: SchemaType, actor: Actor): Promise<Registration> {
      return write(async (registry) => {
        const registration = await registry.register(subject, schema, type);
        return { result: registration, entry: { principal: actor, action: 'registry.register', object: subjectObject(subject), details: { ...registration, type } } };
      });
    },

    deleteVersion(subject: string, version: VersionId, permanent: boolean, actor: Actor): Promise<number> {
      return write(async (registry) => {
        const deleted = await registry.deleteVersion(subject, version, { permanent });
        return { result: deleted, entry: { principal: actor, action: 'registry.version.delete', object: subjectObject(subject), details: { version: deleted, permanent } } };
      });
    },

    deleteSubject(subject: string, permanent: boolean, actor: Actor): Promise<number[]> {
      return write(async (registry) => {
        const versions = await registry.deleteSubject(subject, { permanent });
        return { result: versions, entry: { principal: actor, action: 'registry.subject.delete', object: subjectObject(subject), details: { versions, permanent } } };
      });
    },

    /** Sets the global level (`subject` null) or a subject's own. */
    setCompatibility(subject: string | null, compatibility: CompatibilityLevel, actor: Actor): Promise<void> {
      return write(async (registry) => {
        await registry.setCompatibility(subject, compatibility);
        const object = subject === null ? { type: 'schema-registry', id: 'global' } : subjectObject(subject);
        return { result: undefined, entry: { principal: actor, action: 'registry.compatibility.set', object, details: { compatibility } } };
      });
    },

    /** Removes a subject's own level; answers it, or undefined (nothing recorded) when there was none. */
    deleteCompatibility(subject: string, actor: Actor): Promise<CompatibilityLevel | undefined> {
      return write(async (registry) => {
        const previous = await registry.deleteCompatibility(subject);
        return { result: previous, entry: previous ? { principal: actor, action: 'registry.compatibility.delete', object: subjectObject(subject), details: { previous } } : null };
      });
    },
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;
