import avro from 'avsc';
import { createAvroType } from '../avro-type.ts';
import { compatibilityProblems } from './compatibility.ts';
import { registryError } from './errors.ts';
import { parseSchema } from './parse.ts';
import { registryStore as store, type Queryable, type VersionRow } from './store.ts';
import {
  DEFAULT_COMPATIBILITY,
  DEFAULT_SCHEMA_TYPE,
  type CompatibilityLevel,
  type ParsedSchema,
  type RegistrySchema,
  type SchemaType,
  type SubjectVersion,
} from './types.ts';
import type { VersionId } from './version-id.ts';

/** The database the registry runs on: a pool for reads, transactions for writes (the gateway's `Db` fits). */
export interface RegistryDatabase {
  readonly pool: Queryable;
  transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T>;
}

export interface Registration {
  readonly id: number;
  readonly version: number;
  /** False when the subject already held this schema and nothing was written. */
  readonly created: boolean;
}

export interface SchemaInput {
  readonly subject: string;
  readonly schema: string | object;
  readonly type?: SchemaType | undefined;
}

interface Visibility {
  /** Include soft-deleted versions. */
  readonly deleted?: boolean | undefined;
}

interface Cached {
  readonly schema: RegistrySchema;
  readonly parsed: ParsedSchema;
}

function decodingType(parsed: ParsedSchema): avro.Type | undefined {
  if (parsed.type !== 'AVRO') return undefined;
  try {
    return createAvroType(parsed.json as object);
  } catch {
    // Ambiguous unions cannot be unwrapped; such a schema still decodes, with wrapped union values.
    return avro.Type.forSchema(parsed.json as avro.Schema, { omitRecordMethods: true });
  }
}

function lastMatching(rows: readonly VersionRow[], fingerprint: string): VersionRow | undefined {
  return rows.filter((row) => row.fingerprint === fingerprint).at(-1);
}

function toVersion(subject: string, row: VersionRow): SubjectVersion {
  return { subject, version: row.version, id: row.id, type: row.type, schema: row.schema, deleted: row.deleted };
}

/**
 * The schema registry on PostgreSQL: subjects holding numbered versions, each pointing to a schema with a global
 * id; a schema identical in canonical form keeps one id across subjects. Writes take one advisory lock, so
 * concurrent gateway instances agree on ids and versions. Schemas by id are cached for the life of the process:
 * ids are immutable and schemas are never removed (Kafka messages still carry their ids), only subject versions are.
 */
export function createSchemaRegistry(db: RegistryDatabase) {
  const byId = new Map<number, Cached>();

  function remember(id: number, type: SchemaType, text: string): Cached {
    const known = byId.get(id);
    if (known) return known;
    const parsed = parseSchema(text, type);
    const avroType = decodingType(parsed);
    const entry: Cached = { parsed, schema: Object.freeze({ id, type, schema: text, ...(avroType ? { avroType } : {}) }) };
    byId.set(id, entry);
    return entry;
  }

  async function levelFor(client: Queryable, subject: string): Promise<CompatibilityLevel> {
    return (await store.compatibility(client, subject)) ?? (await store.compatibility(client, null)) ?? DEFAULT_COMPATIBILITY;
  }

  function earlierSchemas(rows: readonly VersionRow[]) {
    return rows.map((row) => ({ version: row.version, schema: remember(row.id, row.type, row.schema).parsed }));
  }

  function existing(rows: readonly VersionRow[], parsed: ParsedSchema): Registration | undefined {
    const same = lastMatching(rows.filter((row) => !row.deleted), parsed.fingerprint);
    return same ? { id: same.id, version: same.version, created: false } : undefined;
  }

  async function registerIn(client: Queryable, subject: string, parsed: ParsedSchema): Promise<Registration> {
    const rows = await store.subjectRows(client, subject);
    const same = existing(rows, parsed);
    if (same) return same;
    const live = rows.filter((row) => !row.deleted);
    const problems = compatibilityProblems(await levelFor(client, subject), parsed, earlierSchemas(live));
    if (problems.length > 0) {
      throw registryError('DX_ERR_REGISTRY_INCOMPATIBLE', `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${problems.join('; ')}`);
    }
    const id = await store.schemaId(client, parsed);
    const version = (rows.at(-1)?.version ?? 0) + 1;
    await store.insertVersion(client, subject, version, id);
    return { id, version, created: true };
  }

  async function visibleRows(subject: string, options: Visibility): Promise<VersionRow[]> {
    const rows = await store.subjectRows(db.pool, subject);
    const visible = options.deleted ? rows : rows.filter((row) => !row.deleted);
    if (visible.length === 0) throw registryError('DX_ERR_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
    return visible;
  }

  function pick(rows: readonly VersionRow[], version: VersionId): VersionRow {
    const row = version === 'latest' ? rows.at(-1) : rows.find((candidate) => candidate.version === version);
    if (!row) throw registryError('DX_ERR_REGISTRY_VERSION_NOT_FOUND', `Version ${version} not found.`);
    return row;
  }

  function writing<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    return db.transaction(async (client) => {
      await store.lock(client);
      return work(client);
    });
  }

  return {
    /**
     * Registers `schema` (AVRO unless said otherwise) under `subject`: the existing id and version when the subject
     * already holds it, otherwise a new version, after the subject's compatibility check. Throws a RegistryError:
     * DX_ERR_REGISTRY_INVALID_SCHEMA (42201) or DX_ERR_REGISTRY_INCOMPATIBLE (409).
     */
    async register(subject: string, schema: string | object, type: SchemaType = DEFAULT_SCHEMA_TYPE): Promise<Registration> {
      const parsed = parseSchema(schema, type);
      // The common case, a schema already registered, needs neither the lock nor a transaction.
      return existing(await store.subjectRows(db.pool, subject), parsed) ?? writing((client) => registerIn(client, subject, parsed));
    },

    /** Registers several schemas in one transaction: all or none. Idempotent, so safe at every start. */
    async registerAll(inputs: readonly SchemaInput[]): Promise<Registration[]> {
      const parsed = inputs.map((input) => ({ subject: input.subject, schema: parseSchema(input.schema, input.type ?? DEFAULT_SCHEMA_TYPE) }));
      return writing(async (client) => {
        const results: Registration[] = [];
        for (const { subject, schema } of parsed) results.push(await registerIn(client, subject, schema));
        return results;
      });
    },

    /** The schema with this global id, or undefined. Cached: ids never change meaning. */
    async getById(id: number): Promise<RegistrySchema | undefined> {
      const known = byId.get(id);
      if (known) return known.schema;
      const row = await store.schemaById(db.pool, id);
      return row ? remember(row.id, row.type, row.schema).schema : undefined;
    },

    /** The latest live version of `subject`, or undefined when it has none. */
    async latest(subject: string): Promise<SubjectVersion | undefined> {
      const row = (await store.subjectRows(db.pool, subject)).filter((candidate) => !candidate.deleted).at(-1);
      return row ? toVersion(subject, row) : undefined;
    },

    subjects: (options: Visibility = {}) => store.subjects(db.pool, options.deleted ?? false),

    async versions(subject: string, options: Visibility = {}): Promise<number[]> {
      return (await visibleRows(subject, options)).map((row) => row.version);
    },

    async getVersion(subject: string, version: VersionId, options: Visibility = {}): Promise<SubjectVersion> {
      return toVersion(subject, pick(await visibleRows(subject, options), version));
    },

    /** The version of `subject` holding `schema`; 40401 when the subject is unknown, 40403 when it lacks the schema. */
    async lookup(subject: string, schema: string | object, type: SchemaType = DEFAULT_SCHEMA_TYPE, options: Visibility = {}): Promise<SubjectVersion> {
      const parsed = parseSchema(schema, type);
      const row = lastMatching(await visibleRows(subject, options), parsed.fingerprint);
      if (!row) throw registryError('DX_ERR_REGISTRY_SCHEMA_NOT_FOUND');
      return toVersion(subject, row);
    },

    /** The subject versions using schema `id`; 40403 when no schema has this id. */
    async usesOf(id: number, options: Visibility = {}): Promise<{ subject: string; version: number }[]> {
      if (!(await store.schemaById(db.pool, id))) throw registryError('DX_ERR_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${id} not found`);
      return store.versionsOfSchema(db.pool, id, options.deleted ?? false);
    },

    /**
     * Why `schema` could not be registered under `subject` at its compatibility level: against one version when
     * `version` is given, otherwise against the versions registration would check. Empty: compatible.
     */
    async compatibilityProblems(subject: string, schema: string | object, type: SchemaType = DEFAULT_SCHEMA_TYPE, version?: VersionId): Promise<string[]> {
      const parsed = parseSchema(schema, type);
      const live = (await store.subjectRows(db.pool, subject)).filter((row) => !row.deleted);
      const level = await levelFor(db.pool, subject);
      if (version === undefined) return compatibilityProblems(level, parsed, earlierSchemas(live));
      if (live.length === 0) throw registryError('DX_ERR_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
      return compatibilityProblems(level, parsed, earlierSchemas([pick(live, version)]));
    },

    /**
     * Soft-deletes a version (hidden, kept, its number never reused), or with `permanent` removes a soft-deleted
     * one. Returns the version number.
     */
    async deleteVersion(subject: string, version: VersionId, options: { permanent?: boolean | undefined } = {}): Promise<number> {
      return writing(async (client) => {
        const rows = await store.subjectRows(client, subject);
        if (rows.length === 0) throw registryError('DX_ERR_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
        const row = pick(options.permanent ? rows : rows.filter((candidate) => !candidate.deleted || candidate.version === version), version);
        if (options.permanent) {
          if (!row.deleted) throw registryError('DX_ERR_REGISTRY_VERSION_NOT_SOFT_DELETED', `Subject '${subject}' Version ${row.version} was not deleted first before being permanently deleted`);
          await store.hardDelete(client, subject, [row.version]);
        } else {
          if (row.deleted) throw registryError('DX_ERR_REGISTRY_VERSION_SOFT_DELETED', `Subject '${subject}' Version ${row.version} was soft deleted. Set permanent=true to delete permanently`);
          await store.softDelete(client, subject, [row.version]);
        }
        return row.version;
      });
    },

    /** Soft-deletes every live version, or with `permanent` removes a soft-deleted subject and its config. Returns the versions. */
    async deleteSubject(subject: string, options: { permanent?: boolean | undefined } = {}): Promise<number[]> {
      return writing(async (client) => {
        const rows = await store.subjectRows(client, subject);
        if (rows.length === 0) throw registryError('DX_ERR_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
        const live = rows.filter((row) => !row.deleted).map((row) => row.version);
        if (options.permanent) {
          if (live.length > 0) throw registryError('DX_ERR_REGISTRY_SUBJECT_NOT_SOFT_DELETED', `Subject '${subject}' was not deleted first before being permanently deleted`);
          const all = rows.map((row) => row.version);
          await store.hardDelete(client, subject, all);
          await store.deleteCompatibility(client, subject);
          return all;
        }
        if (live.length === 0) throw registryError('DX_ERR_REGISTRY_SUBJECT_SOFT_DELETED', `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`);
        await store.softDelete(client, subject, live);
        return live;
      });
    },

    /** The global level (BACKWARD unless set). */
    async globalCompatibility(): Promise<CompatibilityLevel> {
      return (await store.compatibility(db.pool, null)) ?? DEFAULT_COMPATIBILITY;
    },

    /** The level set on `subject` itself, or undefined when it follows the global one. */
    subjectCompatibility: (subject: string) => store.compatibility(db.pool, subject),

    /** The level registration under `subject` applies. */
    effectiveCompatibility: (subject: string) => levelFor(db.pool, subject),

    /** Sets the global level (`subject` null) or a subject's own. */
    setCompatibility: (subject: string | null, level: CompatibilityLevel) => writing((client) => store.setCompatibility(client, subject, level)),

    /** Removes a subject's own level; returns it, or undefined when there was none. */
    deleteCompatibility: (subject: string) => writing((client) => store.deleteCompatibility(client, subject)),
  };
}

export type SchemaRegistry = ReturnType<typeof createSchemaRegistry>;
