import type { JsonValue } from '../types.ts';
import type { SqlPullConfig } from './config.ts';

/** A position after which rows are read: the cursor value and the tiebreak key of the last row delivered. */
export interface SqlPosition {
  cursor: JsonValue;
  key: JsonValue;
}

export interface SqlSource {
  /** The next rows after `after` (all from the start when undefined), at most `limit`, in (cursor, key) order. */
  nextRows(after: SqlPosition | undefined, limit: number): Promise<Record<string, unknown>[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Dialect {
  quote(identifier: string): string;
  /** The condition "after (last cursor, last key)" in a form the database can answer from an index range. */
  after(cursor: string, key: string): { condition: string; values: (position: SqlPosition) => unknown[] };
}

/**
 * Keyset pagination: each batch is its own bounded query, so memory stays flat whatever the table size, and the
 * (cursor, key) order with the strict "after" condition never skips rows sharing a cursor value.
 */
export function batchQuery(config: SqlPullConfig, dialect: Dialect, after: SqlPosition | undefined, limit: number): { text: string; values: unknown[] } {
  const source = config.table
    ? config.table.split('.').map((part) => dialect.quote(part)).join('.')
    : `(${config.query}) AS dx_source`;
  const cursor = dialect.quote(config.cursorColumn);
  const key = dialect.quote(config.keyColumn);
  const order = `ORDER BY ${cursor}, ${key} LIMIT ${Math.trunc(limit)}`;
  if (after === undefined) return { text: `SELECT * FROM ${source} ${order}`, values: [] };
  const { condition, values } = dialect.after(cursor, key);
  return { text: `SELECT * FROM ${source} WHERE ${condition} ${order}`, values: values(after) };
}
