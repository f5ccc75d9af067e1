import type pg from 'pg';
import { DOCUMENT_FIELDS, type Actor, type Resource, type ResourceDocument } from './model.ts';

/** The database the catalogue runs on (the gateway's `Db` fits). */
export interface CatalogDatabase {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

/** A client inside an open transaction. */
type Queryable = pg.ClientBase;

export interface ResourceUpdate {
  resource: Resource;
  changedFields: string[];
  previous: ResourceDocument;
}

export interface HistoryEntry {
  version: number;
  change: 'created' | 'updated';
  changedFields: string[];
  document: ResourceDocument;
  changedAt: string;
  /** Null when the gateway itself made the change (base resources on first start). */
  principal: { id: string; kind: string; name: string } | null;
}

/** The fields of a resource the search index holds: enough to filter, facet, sort and list without the items. */
export interface IndexedResource {
  id: string;
  code: string;
  name: string;
  kind: Resource['kind'];
  providerCode: string;
  providerName: string;
  summary: string;
  keywords: string[];
  format: Resource['format'];
  sharingType: Resource['sharing']['type'];
  updateCycle: Resource['updateCycle'];
  publishDate: string;
  topic: string | null;
  itemNames: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export class VersionConflictError extends Error {
  constructor(readonly current: number) {
    super(`the resource is at version ${current}`);
    this.name = 'VersionConflictError';
  }
}

const ts = (column: string, alias: string) => `to_json(${column})#>>'{}' AS "${alias}"`;
const COLUMNS = `id, code, name, kind, provider_code AS "providerCode", provider_name AS "providerName", provider_credit_code AS "providerCreditCode",
  summary, keywords, format, format_type AS "formatType", items,
  sharing, open, update_cycle AS "updateCycle", publish_date::text AS "publishDate", related, topic, schema_subject AS "schemaSubject",
  version, ${ts('created_at', 'createdAt')}, ${ts('updated_at', 'updatedAt')}, created_by AS "createdBy", updated_by AS "updatedBy"`;
const INDEX_COLUMNS = `id, code, name, kind, provider_code AS "providerCode", provider_name AS "providerName", summary, keywords, format,
  sharing->>'type' AS "sharingType", update_cycle AS "updateCycle", publish_date::text AS "publishDate", topic,
  jsonb_path_query_array(items, '$[*].name') AS "itemNames", ${ts('created_at', 'createdAt')}, ${ts('updated_at', 'updatedAt')}, version`;

const ADDED_IN_0011: Pick<ResourceDocument, 'providerCreditCode' | 'formatType'> = { providerCreditCode: null, formatType: null };

/** JSON with object keys sorted, so values read back from jsonb compare equal to the ones written. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function documentOf(resource: Resource): ResourceDocument {
  return Object.fromEntries(DOCUMENT_FIELDS.map((field) => [field, resource[field]])) as ResourceDocument;
}

function documentParams(document: ResourceDocument): unknown[] {
  return [
    document.code, document.name, document.kind, document.providerCode, document.providerName, document.summary,
    JSON.stringify(document.keywords), document.format, JSON.stringify(document.items), JSON.stringify(document.sharing),
    JSON.stringify(document.open), document.updateCycle, document.publishDate, JSON.stringify(document.related), document.topic, document.schemaSubject,
    document.providerCreditCode, document.formatType,
  ];
}

/**
 * The catalogue's resources and their history in PostgreSQL. Every write bumps the catalogue revision under the
 * state row's lock (writes are serialised and commit in revision order) and writes the resource and a history
 * entry; given a client, inside the caller's transaction (the gateway's catalogue service appends the audit entry
 * there).
 */
export function createCatalogRepository(db: CatalogDatabase) {
  async function nextRevision(client: Queryable): Promise<string> {
    const { rows } = await client.query<{ revision: string }>('UPDATE catalog_state SET revision = revision + 1 RETURNING revision::text');
    return (rows[0] as { revision: string }).revision;
  }

  async function writeHistory(client: Queryable, resource: Resource, change: HistoryEntry['change'], changedFields: string[], actor: Actor): Promise<void> {
    await client.query(
      `INSERT INTO catalog_resource_history (resource_id, version, change, changed_fields, document, principal_id, principal_kind, principal_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [resource.id, resource.version, change, JSON.stringify(changedFields), JSON.stringify(documentOf(resource)), actor?.id ?? null, actor?.kind ?? null, actor?.name ?? null],
    );
  }

  async function insert(client: Queryable, document: ResourceDocument, actor: Actor): Promise<Resource> {
    const revision = await nextRevision(client);
    const { rows } = await client.query<Resource>(
      `INSERT INTO catalog_resources (code, name, kind, provider_code, provider_name, summary, keywords, format, items, sharing, open, update_cycle,
         publish_date, related, topic, schema_subject, provider_credit_code, format_type, revision, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING ${COLUMNS}`,
      [...documentParams(document), revision, actor?.id ?? null],
    );
    const resource = rows[0] as Resource;
    await writeHistory(client, resource, 'created', [...DOCUMENT_FIELDS], actor);
    return resource;
  }

  async function replace(client: Queryable, id: string, document: ResourceDocument, actor: Actor, expectedVersion: number | undefined): Promise<ResourceUpdate | undefined> {
    const revision = await nextRevision(client);
    const current = (await client.query<Resource>(`SELECT ${COLUMNS} FROM catalog_resources WHERE id = $1 FOR UPDATE`, [id])).rows[0];
    if (!current) return undefined;
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VersionConflictError(current.version);
    const changedFields = DOCUMENT_FIELDS.filter((field) => canonical(current[field]) !== canonical(document[field]));
    if (changedFields.length === 0) return { resource: current, changedFields, previous: documentOf(current) };
    const { rows } = await client.query<Resource>(
      `UPDATE catalog_resources SET code = $1, name = $2, kind = $3, provider_code = $4, provider_name = $5, summary = $6, keywords = $7, format = $8,
         items = $9, sharing = $10, open = $11, update_cycle = $12, publish_date = $13, related = $14, topic = $15, schema_subject = $16,
         provider_credit_code = $17, format_type = $18, revision = $19, version = version + 1, updated_at = now(), updated_by = $20
       WHERE id = $21 RETURNING ${COLUMNS}`,
      [...documentParams(document), revision, actor?.id ?? null, id],
    );
    const resource = rows[0] as Resource;
    await writeHistory(client, resource, 'updated', changedFields, actor);
    return { resource, changedFields, previous: documentOf(current) };
  }

  return {
    /** Inserts a resource; with `client`, inside the caller's transaction. Unique violations (code, topic) surface as pg errors 23505. */
    async create(document: ResourceDocument, actor: Actor, client?: Queryable): Promise<Resource> {
      return client ? insert(client, document, actor) : db.transaction((own) => insert(own, document, actor));
    },

    /**
     * Replaces the document of resource `id`. Returns undefined when it does not exist, the unchanged resource when
     * nothing differs (no new version), and throws VersionConflictError when `expectedVersion` is not the stored one.
     * `previous` is the document before the change. With `client`, inside the caller's transaction.
     */
    async update(id: string, document: ResourceDocument, actor: Actor, expectedVersion?: number, client?: Queryable): Promise<ResourceUpdate | undefined> {
      return client ? replace(client, id, document, actor, expectedVersion) : db.transaction((own) => replace(own, id, document, actor, expectedVersion));
    },

    async get(id: string): Promise<Resource | undefined> {
      return (await db.query<Resource>(`SELECT ${COLUMNS} FROM catalog_resources WHERE id = $1`, [id])).rows[0];
    },

    /** Resources in the order of `ids` (unknown ids are skipped); all of them, by code, without `ids`. */
    async list(ids?: readonly string[]): Promise<Resource[]> {
      if (ids === undefined) return (await db.query<Resource>(`SELECT ${COLUMNS} FROM catalog_resources ORDER BY code, id`)).rows;
      const { rows } = await db.query<Resource>(`SELECT ${COLUMNS} FROM catalog_resources WHERE id = ANY($1::uuid[])`, [ids]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async existingCodes(codes: readonly string[]): Promise<Set<string>> {
      const { rows } = await db.query<{ code: string }>('SELECT code FROM catalog_resources WHERE code = ANY($1::text[])', [codes]);
      return new Set(rows.map((row) => row.code));
    },

    async history(id: string, page: { limit: number; offset: number }): Promise<{ items: HistoryEntry[]; total: number }> {
      const [entries, count] = await Promise.all([
        db.query<HistoryEntry & { principalId: string | null; principalKind: string | null; principalName: string | null }>(
          `SELECT version, change, changed_fields AS "changedFields", document, ${ts('changed_at', 'changedAt')},
                  principal_id AS "principalId", principal_kind AS "principalKind", principal_name AS "principalName"
             FROM catalog_resource_history WHERE resource_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3`,
          [id, page.limit, page.offset],
        ),
        db.query<{ total: number }>('SELECT count(*)::int AS total FROM catalog_resource_history WHERE resource_id = $1', [id]),
      ]);
      return {
        total: count.rows[0]?.total ?? 0,
        items: entries.rows.map(({ principalId, principalKind, principalName, ...entry }) => ({
          ...entry,
          // Versions written before migration 0011 lack the fields it added.
          document: { ...ADDED_IN_0011, ...entry.document },
          principal: principalId === null ? null : { id: principalId, kind: principalKind ?? '', name: principalName ?? '' },
        })),
      };
    },

    /** The resources changed after `revision`, and the revision they bring the caller to. */
    async changedSince(revision: string): Promise<{ revision: string; resources: IndexedResource[] }> {
      return db.transaction(async (client) => {
        // Writers commit in revision order, so every row up to the revision read first is visible to the next
        // statement; a row of a later revision read as well is simply applied again on the next catch-up.
        const state = await client.query<{ revision: string }>('SELECT revision::text FROM catalog_state');
        const { rows } = await client.query<IndexedResource>(`SELECT ${INDEX_COLUMNS} FROM catalog_resources WHERE revision > $1`, [revision]);
        return { revision: (state.rows[0] as { revision: string }).revision, resources: rows };
      });
    },
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
