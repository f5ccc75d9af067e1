import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { migrate } from '../../gateway/db/migrate.ts';
import { createDb, type Db } from '../../gateway/plugins/db.ts';

/** The machine's PostgreSQL, used to create one throw-away database per test. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Creates a fresh, empty database on the real PostgreSQL and drops it when the test ends. */
export async function createTestDatabase(t: Teardown, adminUrl = ADMIN_DATABASE_URL): Promise<string> {
  const name = `dx_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch {
      // A server the test stopped for good took the database with it.
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database with the gateway's migrations applied, as a pool closed when the test ends. */
export async function createMigratedDatabase(t: Teardown): Promise<Db> {
  const db = createDb({ url: await createTestDatabase(t), poolSize: 2 });
  t.teardown(() => db.pool.end());
  const client = await db.pool.connect();
  try {
    await migrate(client, pino({ level: 'silent' }));
  } finally {
    client.release();
  }
  return db;
}
