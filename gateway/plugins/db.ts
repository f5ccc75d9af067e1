import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { migrate } from '../db/migrate.ts';

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

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return {
    pool,
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping(timeoutMs = 3000) {
      await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
    },
  };
}

/** Decorates `db` (a `pg` pool) after applying migrations; closes the pool when the app closes. */
async function dbPlugin(app: FastifyInstance, options: DbOptions): Promise<void> {
  const db = createDb(options);
  db.pool.on('error', (err) => app.log.warn({ err }, 'idle database connection failed'));
  try {
    const client = await db.pool.connect();
    try {
      const applied = await migrate(client, app.log.child({ component: 'migrations' }) as never);
      if (applied.length > 0) app.log.info({ applied }, 'database migrations applied');
    } finally {
      client.release();
    }
  } catch (err) {
    await db.pool.end();
    throw err;
  }
  app.decorate('db', db);
  app.addHook('onClose', async () => {
    await db.pool.end();
  });
}

export default fp(dbPlugin, { name: 'dx-db' });
