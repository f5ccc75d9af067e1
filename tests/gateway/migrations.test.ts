import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import pg from 'pg';
import t from 'tap';
import { startEmbeddedPostgres } from '../../gateway/db/embedded.ts';
import { migrate } from '../../gateway/db/migrate.ts';
import { createTestDatabase } from '../helpers/database.ts';

const silent = pino({ level: 'silent' });

async function migrateTwice(url: string): Promise<{ first: string[]; second: string[]; tables: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const first = await migrate(client, silent);
    const second = await migrate(client, silent);
    const { rows } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    return { first, second, tables: rows.map((row) => row.tablename) };
  } finally {
    await client.end();
  }
}

t.test('migrations apply once and a second run changes nothing, on PostgreSQL', async (t) => {
  const result = await migrateTwice(await createTestDatabase(t));
  t.ok(result.first.length > 0);
  t.same(result.second, []);
  t.ok(result.tables.includes('principals') && result.tables.includes('api_keys'));
});

t.test('migrations apply once and a second run changes nothing, on the embedded database, across restarts', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dx-embedded-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const embedded = await startEmbeddedPostgres(dataDir);
  const result = await migrateTwice(embedded.url);
  await embedded.stop();
  t.ok(result.first.length > 0);
  t.same(result.second, []);
  t.ok(result.tables.includes('principals'));

  const reopened = await startEmbeddedPostgres(dataDir);
  t.teardown(() => reopened.stop());
  const again = await migrateTwice(reopened.url);
  t.same(again.first, [], 'the data folder kept the applied migrations');
});
