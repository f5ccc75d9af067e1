import type { PullConnectorDefinition } from '../types.ts';
import { SQL_PULL_CONFIG, type SqlPullConfig } from './config.ts';
import { checkQuery } from './query-check.ts';
import { createSqlPullTask } from './task.ts';

export const sqlPull: PullConnectorDefinition<SqlPullConfig> = {
  type: 'sql-pull',
  kind: 'pull',
  summary: 'Reads a PostgreSQL or MySQL/MariaDB table or query: a first full snapshot, then only new and changed rows.',
  description:
    'Rows are read in (cursorColumn, keyColumn) order in bounded batches (keyset pagination), so memory stays flat ' +
    'however large the table. The committed position is the cursor and key of the last row the broker acknowledged; ' +
    'the next run reads rows after it. The cursor column must grow whenever a row is added or changed and must not be ' +
    'NULL (rows with a NULL cursor are never read); rows sharing a cursor value are told apart by the key column.',
  configSchema: SQL_PULL_CONFIG,
  examples: [
    {
      summary: 'A PostgreSQL table of residents, incremental by update time',
      config: { driver: 'postgres', host: 'db.hukou.internal', database: 'hukou', user: 'dx_reader', password: '********', table: 'public.residents', cursorColumn: 'updated_at', keyColumn: 'id' },
    },
    {
      summary: 'A MariaDB query joining companies and their status',
      config: {
        driver: 'mysql',
        host: '10.20.0.15',
        port: 3306,
        database: 'scjg',
        user: 'dx_reader',
        password: '********',
        query: 'SELECT c.*, s.status_code FROM company c JOIN company_status s ON s.company_id = c.id',
        cursorColumn: 'modified',
        keyColumn: 'id',
      },
    },
  ],
  validate(config) {
    if ((config.table === undefined) === (config.query === undefined)) {
      return [{ path: config.table === undefined ? 'table' : 'query', message: 'give exactly one of table and query' }];
    }
    return config.query === undefined ? [] : checkQuery(config.query, config.driver);
  },
  // TLS is part of the target: turning it off would send the stored password over the network in clear.
  secretTarget: (config) =>
    JSON.stringify([config.driver, config.host.toLowerCase(), config.port ?? (config.driver === 'postgres' ? 5432 : 3306), config.user, config.database, config.ssl ?? false]),
  create: createSqlPullTask,
};
