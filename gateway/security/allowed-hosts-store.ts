import type { Db } from '../plugins/db.ts';

/** An allow-list entry of the data office: for every department (`departments` null) or for the ones listed. */
export interface AllowedHost {
  id: string;
  entry: string;
  departments: string[] | null;
  note: string | null;
  createdAt: string;
}

export type NewAllowedHost = Pick<AllowedHost, 'entry' | 'departments' | 'note'>;

const COLUMNS = `id, entry, departments, note, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

export function createAllowedHostsStore(db: Db) {
  return {
    async list(): Promise<AllowedHost[]> {
      return (await db.query<AllowedHost>(`SELECT ${COLUMNS} FROM allowed_hosts ORDER BY created_at, id`)).rows;
    },

    async create(host: NewAllowedHost, createdBy: string | null, client: Pick<Db, 'query'> = db): Promise<AllowedHost> {
      const { rows } = await client.query<AllowedHost>(
        `INSERT INTO allowed_hosts (entry, departments, note, created_by) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [host.entry, host.departments, host.note, createdBy],
      );
      return rows[0] as AllowedHost;
    },

    async remove(id: string, client: Pick<Db, 'query'> = db): Promise<AllowedHost | undefined> {
      return (await client.query<AllowedHost>(`DELETE FROM allowed_hosts WHERE id = $1 RETURNING ${COLUMNS}`, [id])).rows[0];
    },

    /** The entries a connector of `departmentCode` may use besides DX_ALLOWED_HOSTS (null: only the ones for all). */
    async entriesFor(departmentCode: string | null): Promise<string[]> {
      const { rows } = await db.query<{ entry: string }>('SELECT entry FROM allowed_hosts WHERE departments IS NULL OR $1 = ANY (departments)', [departmentCode]);
      return rows.map((row) => row.entry);
    },
  };
}

export type AllowedHostsStore = ReturnType<typeof createAllowedHostsStore>;
