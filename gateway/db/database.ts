import pg from 'pg';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface DbOptions {
  url: string;
  poolSize: number;
}

export interface Db {
  pool: pg.Pool;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `work` in one transaction on one client; rolls back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
}

/** The pool (a `Db`), or a client inside an open transaction: what a store needs to read and write. */
export type Queryable = Pick<Db, 'query'>;

export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return {
    pool,
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost while `work` awaits something else is emitted on the client, which the pool no longer
      // listens to while it is lent: unheard, it would crash the process. The next query on it reports the loss.
      let lost: Error | undefined;
      const onError = (err: Error) => (lost = err);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (isDatabaseUnavailable(err)) lost ??= err as Error;
        throw err;
      } finally {
        client.off('error', onError);
        // A client whose connection was lost is destroyed, not handed to the next caller.
        client.release(lost);
      }
    },
    async ping(timeoutMs = 3000) {
      await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
    },
  };
}

/**
 * A `Db` bound to `client`, a client inside an open transaction of `parent`: a store built on it writes in that
 * transaction, and its own `transaction(work)` runs `work` there too (one transaction, nothing nested), so a store
 * written against `Db` takes part in a service's transaction without knowing it.
 */
export function inTransaction(parent: Db, client: pg.PoolClient): Db {
  return {
    pool: parent.pool,
    query: (text, values) => client.query(text, values),
    transaction: (work) => work(client),
    ping: (timeoutMs) => parent.ping(timeoutMs),
  };
}
