import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createDb, type Db, type DbOptions } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

// The type's home is gateway/db/database.ts; re-exported for the importers that predate it.
export { createDb, type Db, type DbOptions };

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
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
