import type { ExecuteValues, SslOptions } from 'mysql2/promise';
import type { SqlPullConfig } from './config.ts';
import { batchQuery, type Dialect, type SqlSource } from './dialect.ts';

const MYSQL: Dialect = {
  quote: (identifier) => `\`${identifier.replace(/`/g, '``')}\``,
  // The leading `cursor >= ?` starts an index range scan; MySQL and MariaDB do not range-scan row comparisons.
  after: (cursor, key) => ({ condition: `${cursor} >= ? AND (${cursor} > ? OR ${key} > ?)`, values: (position) => [position.cursor, position.cursor, position.key] }),
};

export async function openMysql(config: SqlPullConfig, address: string): Promise<SqlSource> {
  // Loaded only when a connector reads MySQL or MariaDB (about 12 MB of resident memory).
  const { default: mysql } = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    host: address,
    port: config.port ?? 3306,
    database: config.database,
    user: config.user,
    password: config.password ?? '',
    ...(config.ssl ? { ssl: { servername: config.host } as SslOptions } : {}),
    connectTimeout: config.connectTimeoutMs ?? 10_000,
    // Text, not Date: a cursor must round-trip exactly, and no time zone is applied on the way.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4',
    multipleStatements: false,
  });
  connection.on('error', () => undefined);
  const timeoutMs = Math.trunc(config.statementTimeoutMs ?? 120_000);
  const [[server]] = (await connection.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
  // MariaDB counts seconds in max_statement_time; MySQL counts milliseconds in max_execution_time.
  await connection.query(/mariadb/i.test(server.version) ? `SET SESSION max_statement_time = ${timeoutMs / 1000}` : `SET SESSION max_execution_time = ${timeoutMs}`);
  return {
    async nextRows(after, limit) {
      const { text, values } = batchQuery(config, MYSQL, after, limit);
      await connection.query('START TRANSACTION READ ONLY');
      try {
        // A prepared statement: a second statement in the query is a syntax error, never run.
        const [rows] = await connection.execute(text, values as ExecuteValues[]);
        // Not awaited: the connection runs its commands in order, so the next batch's transaction starts after it.
        connection.query('COMMIT').catch(() => undefined);
        return rows as Record<string, unknown>[];
      } catch (err) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    async ping() {
      await connection.query('SELECT 1');
    },
    close: () => connection.end(),
  };
}
