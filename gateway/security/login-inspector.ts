import type { Db } from '../plugins/db.ts';
import type { LoginInspector } from './host-guard.ts';

/**
 * Asks the gateway's own database about a role a connector logs in with on the same server: a superuser, or a
 * role that may connect to the gateway's database and select from any of its tables (directly, through PUBLIC, a
 * role it belongs to or pg_read_all_data), could read the gateway's secrets from a source query.
 */
export function createLoginInspector(db: Pick<Db, 'query'>): LoginInspector {
  return async (user) => {
    const { rows } = await db.query<{ superuser: boolean; readsGatewayData: boolean }>(
      `SELECT r.rolsuper AS superuser,
              has_database_privilege(r.oid, current_database(), 'CONNECT') AND EXISTS (
                SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
                   AND has_table_privilege(r.oid, c.oid, 'SELECT')
              ) AS "readsGatewayData"
         FROM pg_roles r WHERE r.rolname = $1`,
      [user],
    );
    return rows[0];
  };
}
