import type pg from 'pg';
import type { CompatibilityLevel, ParsedSchema, SchemaType } from './types.ts';

/** A `pg` client or pool. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface VersionRow {
  version: number;
  id: number;
  type: SchemaType;
  schema: string;
  fingerprint: string;
  deleted: boolean;
}

export interface SchemaRow {
  id: number;
  type: SchemaType;
  schema: string;
}

/** The registry_config row holding the global level; subjects are never empty. */
const GLOBAL = '';

// One lock for every registry write: registrations are rare, and one lock keeps version numbers gap-free and
// lets concurrent gateway instances register the canonical schemas at start-up without racing.
const REGISTRY_LOCK = 0x6478_7367; // "dxsg"

/** SQL of the schema registry tables (migration 0002). Every function runs on the client it is given. */
export const registryStore = {
  async lock(client: Queryable): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1)', [REGISTRY_LOCK]);
  },

  async subjectRows(client: Queryable, subject: string): Promise<VersionRow[]> {
    const { rows } = await client.query<VersionRow>(
      `SELECT v.version, v.schema_id AS id, s.schema_type AS type, s.schema, s.fingerprint, v.deleted_at IS NOT NULL AS deleted
         FROM registry_versions v JOIN registry_schemas s ON s.id = v.schema_id
        WHERE v.subject = $1 ORDER BY v.version`,
      [subject],
    );
    return rows;
  },

  async schemaById(client: Queryable, id: number): Promise<SchemaRow | undefined> {
    const { rows } = await client.query<SchemaRow>('SELECT id, schema_type AS type, schema FROM registry_schemas WHERE id = $1', [id]);
    return rows[0];
  },

  /** The global id of `schema`, inserting it when no schema of the same type and canonical form exists. */
  async schemaId(client: Queryable, schema: ParsedSchema): Promise<number> {
    const inserted = await client.query<{ id: number }>(
      'INSERT INTO registry_schemas (schema_type, fingerprint, schema) VALUES ($1, $2, $3) ON CONFLICT (fingerprint) DO NOTHING RETURNING id',
      [schema.type, schema.fingerprint, schema.text],
    );
    if (inserted.rows[0]) return inserted.rows[0].id;
    const { rows } = await client.query<{ id: number }>('SELECT id FROM registry_schemas WHERE fingerprint = $1', [schema.fingerprint]);
    return (rows[0] as { id: number }).id;
  },

  async insertVersion(client: Queryable, subject: string, version: number, schemaId: number): Promise<void> {
    await client.query('INSERT INTO registry_versions (subject, version, schema_id) VALUES ($1, $2, $3)', [subject, version, schemaId]);
  },

  async softDelete(client: Queryable, subject: string, versions: readonly number[]): Promise<void> {
    await client.query('UPDATE registry_versions SET deleted_at = now() WHERE subject = $1 AND version = ANY($2::int[]) AND deleted_at IS NULL', [subject, versions]);
  },

  async hardDelete(client: Queryable, subject: string, versions: readonly number[]): Promise<void> {
    await client.query('DELETE FROM registry_versions WHERE subject = $1 AND version = ANY($2::int[])', [subject, versions]);
  },

  async subjects(client: Queryable, includeDeleted: boolean): Promise<string[]> {
    const { rows } = await client.query<{ subject: string }>(
      'SELECT DISTINCT subject FROM registry_versions WHERE $1 OR deleted_at IS NULL ORDER BY subject',
      [includeDeleted],
    );
    return rows.map((row) => row.subject);
  },

  async versionsOfSchema(client: Queryable, id: number, includeDeleted: boolean): Promise<{ subject: string; version: number }[]> {
    const { rows } = await client.query<{ subject: string; version: number }>(
      'SELECT subject, version FROM registry_versions WHERE schema_id = $1 AND ($2 OR deleted_at IS NULL) ORDER BY subject, version',
      [id, includeDeleted],
    );
    return rows;
  },

  async compatibility(client: Queryable, subject: string | null): Promise<CompatibilityLevel | undefined> {
    const { rows } = await client.query<{ compatibility: CompatibilityLevel }>('SELECT compatibility FROM registry_config WHERE subject = $1', [subject ?? GLOBAL]);
    return rows[0]?.compatibility;
  },

  async setCompatibility(client: Queryable, subject: string | null, level: CompatibilityLevel): Promise<void> {
    await client.query(
      `INSERT INTO registry_config (subject, compatibility) VALUES ($1, $2)
       ON CONFLICT (subject) DO UPDATE SET compatibility = excluded.compatibility, updated_at = now()`,
      [subject ?? GLOBAL, level],
    );
  },

  async deleteCompatibility(client: Queryable, subject: string): Promise<CompatibilityLevel | undefined> {
    const { rows } = await client.query<{ compatibility: CompatibilityLevel }>('DELETE FROM registry_config WHERE subject = $1 RETURNING compatibility', [subject]);
    return rows[0]?.compatibility;
  },
};
