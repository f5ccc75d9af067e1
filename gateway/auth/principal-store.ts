import type { Db, Queryable } from '../db/database.ts';
import { generateApiKey, hashApiKey, shownPrefix } from './api-key.ts';
import { createAuthenticationCache } from './authentication-cache.ts';
import type { Principal, PrincipalKind } from './principal.ts';

export interface ApiKeyRecord {
  id: string;
  principalId: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface NewPrincipal {
  kind: PrincipalKind;
  name: string;
  departmentCode?: string | undefined;
  description?: string | undefined;
}

function principalColumns(alias = 'principals'): string {
  return `${alias}.id, ${alias}.kind, ${alias}.name, ${alias}.department_code AS "departmentCode", ${alias}.description,
    to_json(${alias}.created_at)#>>'{}' AS "createdAt", to_json(${alias}.disabled_at)#>>'{}' AS "disabledAt"`;
}
const PRINCIPAL_COLUMNS = principalColumns();
const KEY_COLUMNS = `id, principal_id AS "principalId", prefix, label, to_json(created_at)#>>'{}' AS "createdAt",
  to_json(expires_at)#>>'{}' AS "expiresAt", to_json(revoked_at)#>>'{}' AS "revokedAt"`;

/** `authCacheMs`: how long a successful key lookup may be reused (see authentication-cache.ts); 0, never. */
export function createPrincipalStore(db: Db, options: { authCacheMs?: number } = {}) {
  const recent = createAuthenticationCache({ ttlMs: options.authCacheMs ?? 0 });

  async function insertPrincipal(client: Queryable, input: NewPrincipal, createdBy: string | null): Promise<Principal> {
    const { rows } = await client.query<Principal>(
      `INSERT INTO principals (kind, name, department_code, description, created_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${PRINCIPAL_COLUMNS}`,
      [input.kind, input.name, input.departmentCode ?? null, input.description ?? null, createdBy],
    );
    return rows[0] as Principal;
  }

  async function insertKey(client: Queryable, principalId: string, key: string, options: { label?: string | undefined; expiresAt?: string | undefined }): Promise<ApiKeyRecord> {
    const { rows } = await client.query<ApiKeyRecord>(
      `INSERT INTO api_keys (principal_id, key_hash, prefix, label, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${KEY_COLUMNS}`,
      [principalId, hashApiKey(key), shownPrefix(key), options.label ?? null, options.expiresAt ?? null],
    );
    return rows[0] as ApiKeyRecord;
  }

  return {
    insertPrincipal,
    insertKey,

    /** With `client`, in the caller's transaction. Unique violations (the name) surface as pg errors 23505. */
    create: (input: NewPrincipal, createdBy: string | null, client: Queryable = db) => insertPrincipal(client, input, createdBy),

    async list(filter: { kind?: PrincipalKind | undefined; limit: number; offset: number }): Promise<{ items: Principal[]; total: number }> {
      const kind = filter.kind ?? null;
      const [page, count] = await Promise.all([
        db.query<Principal>(
          `SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE $3::text IS NULL OR kind = $3 ORDER BY created_at, id LIMIT $1 OFFSET $2`,
          [filter.limit, filter.offset, kind],
        ),
        db.query<{ total: number }>('SELECT count(*)::int AS total FROM principals WHERE $1::text IS NULL OR kind = $1', [kind]),
      ]);
      return { items: page.rows, total: count.rows[0]?.total ?? 0 };
    },

    async get(id: string): Promise<Principal | undefined> {
      const { rows } = await db.query<Principal>(`SELECT ${PRINCIPAL_COLUMNS} FROM principals WHERE id = $1`, [id]);
      return rows[0];
    },

    /** With `client`, in the caller's transaction: call `forgetLookups` once it commits. */
    async setDisabled(id: string, disabled: boolean, client: Queryable = db): Promise<Principal | undefined> {
      const { rows } = await client.query<Principal>(
        `UPDATE principals SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1 RETURNING ${PRINCIPAL_COLUMNS}`,
        [id, disabled],
      );
      recent.clear();
      return rows[0];
    },

    /** Issues a new key; the returned `key` is the only time it exists outside the caller. */
    async issueKey(principalId: string, options: { label?: string | undefined; expiresAt?: string | undefined }, client: Queryable = db): Promise<{ key: string; record: ApiKeyRecord }> {
      const key = generateApiKey();
      return { key, record: await insertKey(client, principalId, key, options) };
    },

    async listKeys(principalId: string): Promise<ApiKeyRecord[]> {
      const { rows } = await db.query<ApiKeyRecord>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE principal_id = $1 ORDER BY created_at, id`, [principalId]);
      return rows;
    },

    /** With `client`, in the caller's transaction: call `forgetLookups` once it commits. */
    async revokeKey(principalId: string, keyId: string, client: Queryable = db): Promise<ApiKeyRecord | undefined> {
      const { rows } = await client.query<ApiKeyRecord>(
        `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND principal_id = $2 RETURNING ${KEY_COLUMNS}`,
        [keyId, principalId],
      );
      recent.clear();
      return rows[0];
    },

    /**
     * Drops the cached key lookups of this instance. A change made in a transaction clears them when it is written,
     * but a lookup between that and the commit still reads the old state: clear again after the commit.
     */
    forgetLookups(): void {
      recent.clear();
    },

    /** The active principal holding this key: the key not revoked nor expired, the principal not disabled. */
    async authenticate(key: string): Promise<Principal | undefined> {
      const keyHash = hashApiKey(key);
      const cached = recent.get(keyHash);
      if (cached !== undefined) return cached;
      const generation = recent.generation();
      const { rows } = await db.query<Principal & { keyExpiresAt: string | null }>(
        `SELECT ${principalColumns('p')}, to_json(k.expires_at)#>>'{}' AS "keyExpiresAt"
           FROM api_keys k JOIN principals p ON p.id = k.principal_id
          WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND p.disabled_at IS NULL`,
        [keyHash],
      );
      if (rows[0] === undefined) return undefined;
      const { keyExpiresAt, ...principal } = rows[0];
      recent.set(keyHash, principal, keyExpiresAt, generation);
      return principal;
    },
  };
}

export type PrincipalStore = ReturnType<typeof createPrincipalStore>;
