import mariadb from 'node-sql-parser/build/mariadb.js';
import postgresql from 'node-sql-parser/build/postgresql.js';
import type { ConfigProblem } from '../types.ts';

/** Longest `query` accepted: a source query of a department is a few lines; parsing stays well under a second. */
export const MAX_QUERY_LENGTH = 20_000;

const PARSERS = {
  postgres: { parser: new postgresql.Parser(), database: 'PostgresQL' },
  mysql: { parser: new mariadb.Parser(), database: 'MariaDB' },
} as const;

interface SelectAst {
  type?: string;
  orderby?: unknown[] | null;
  limit?: { value?: unknown[] } | null;
  into?: { expr?: unknown } | null;
  locking_read?: unknown;
  _next?: SelectAst | null;
}

function problem(message: string): ConfigProblem[] {
  return [{ path: 'query', message }];
}

/**
 * Checks that `query` is exactly one plain SELECT in the driver's dialect, without a trailing ORDER BY or LIMIT
 * (the connector orders and pages the rows itself), INTO or row locks. This gives a clear answer when the connector
 * is saved; what makes a query harmless at run time is the read-only transaction it runs in, over the extended
 * protocol, where a second statement is a syntax error.
 */
export function checkQuery(query: string, driver: keyof typeof PARSERS): ConfigProblem[] {
  if (query.length > MAX_QUERY_LENGTH) return problem(`must be at most ${MAX_QUERY_LENGTH} characters`);
  if (/;\s*$/.test(query)) return problem('must not end with a semicolon: it is one SELECT, run as a subquery');
  const { parser, database } = PARSERS[driver];
  let parsed: unknown;
  try {
    parsed = parser.astify(query, { database });
  } catch (err) {
    const at = (err as { location?: { start?: { line: number; column: number } } }).location?.start;
    return problem(`is not one SELECT the gateway can read${at ? ` (line ${at.line}, column ${at.column})` : ''}`);
  }
  const statements = (Array.isArray(parsed) ? parsed : [parsed]) as SelectAst[];
  if (statements.length !== 1) return problem('must be exactly one SELECT statement');
  const select = statements[0] as SelectAst;
  if (select.type !== 'select') return problem(`must be a SELECT, not ${String(select.type).toUpperCase()}`);
  let last = select;
  for (let part: SelectAst | null | undefined = select; part; part = part._next) {
    if (part.into?.expr) return problem('must not be SELECT … INTO');
    if (part.locking_read) return problem('must not lock rows (FOR UPDATE, LOCK IN SHARE MODE)');
    last = part;
  }
  if ((last.orderby?.length ?? 0) > 0 || (last.limit?.value?.length ?? 0) > 0) {
    return problem('must not end with ORDER BY or LIMIT; rows are ordered by cursorColumn and keyColumn');
  }
  return [];
}
