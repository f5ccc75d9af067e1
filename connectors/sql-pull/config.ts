import { Type, type Static } from '@sinclair/typebox';
import { MAX_QUERY_LENGTH } from './query-check.ts';

const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$';

export const SQL_PULL_CONFIG = Type.Object(
  {
    driver: Type.Unsafe<'postgres' | 'mysql'>({ type: 'string', enum: ['postgres', 'mysql'], description: 'postgres (PostgreSQL) or mysql (MySQL, MariaDB)' }),
    host: Type.String({ minLength: 1, description: 'Database host; must be on the operator allow-list' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Database port (default 5432 for postgres, 3306 for mysql)' })),
    database: Type.String({ minLength: 1, description: 'Database name' }),
    user: Type.String({ minLength: 1, description: 'User with read access to the table or query' }),
    password: Type.Optional(Type.String({ description: 'Password of that user', 'x-secret': true })),
    ssl: Type.Optional(Type.Boolean({ description: 'Connect over TLS', default: false })),
    table: Type.Optional(Type.String({ pattern: IDENTIFIER, description: 'Table (or schema.table) to read; give this or query' })),
    query: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_QUERY_LENGTH,
        description: 'One SELECT whose rows are read, wrapped as a subquery and run in a read-only transaction; give this or table. It must not end with ORDER BY or LIMIT.',
      }),
    ),
    cursorColumn: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_$]*$',
      description: 'NOT NULL column that grows when a row is added or changed (an update time or a serial); rows are read in (cursorColumn, keyColumn) order',
    }),
    keyColumn: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_$]*$',
      description: 'Unique column breaking ties between rows with the same cursor value, so none is skipped',
    }),
    statementTimeoutMs: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 3_600_000, default: 120_000, description: 'Longest one batch query may run before the database cancels it' }),
    ),
    connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Connection timeout' })),
  },
  { additionalProperties: false },
);

export type SqlPullConfig = Static<typeof SQL_PULL_CONFIG>;
