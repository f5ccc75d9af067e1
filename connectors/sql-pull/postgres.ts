import pg from 'pg';
import type { SqlPullConfig } from './config.ts';
import { batchQuery, type Dialect, type SqlSource } from './dialect.ts';

const POSTGRES: Dialect = {
  quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
  // A row comparison is one index range scan in PostgreSQL, however many rows share a cursor value.
  after: (cursor, key) => ({ condition: `(${cursor}, ${key}) > ($1, $2)`, values: (position) => [position.cursor, position.key] }),
};

// Dates and timestamps stay text: a JS Date drops microseconds, and a cursor must round-trip exactly.
const TEXT_TYPES = new Set([pg.types.builtins.DATE, pg.types.builtins.TIMESTAMP, pg.types.builtins.TIMESTAMPTZ, pg.types.builtins.TIME, pg.types.builtins.TIMETZ]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_TYPES.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export async function openPostgres(config: SqlPullConfig, address: string): Promise<SqlSource> {
  const client = new pg.Client({
    host: address,
    port: config.port ?? 5432,
    database: config.database,
    user: config.user,
    password: config.password,
    ssl: config.ssl ? { servername: config.host } : false,
    connectionTimeoutMillis: config.connectTimeoutMs ?? 10_000,
    application_name: 'dx-gateway sql-pull',
    types,
  });
  await client.connect();
  // An idle connection that breaks must not crash the gateway; the next query reports it.
  client.on('error', () => undefined);
  // Our own fixed text, so the simple protocol is safe here; SET LOCAL ends with the transaction, whatever the
  // query did to the session's settings.
  const begin = `BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(config.statementTimeoutMs ?? 120_000)}`;
  return {
    async nextRows(after, limit) {
      await client.query(begin);
      try {
        // Extended protocol even without parameters: a second statement in the query is a syntax error, never run.
        // (queryMode is not in @types/pg.)
        const { rows } = await client.query<Record<string, unknown>>({ ...batchQuery(config, POSTGRES, after, limit), queryMode: 'extended' } as pg.QueryConfig);
        // Not awaited: the client sends the next batch's BEGIN only after it, so the rows need not wait for it.
        client.query('COMMIT').catch(() => undefined);
        return rows;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    async ping() {
      await client.query('SELECT 1');
    },
    close: () => client.end(),
  };
}
