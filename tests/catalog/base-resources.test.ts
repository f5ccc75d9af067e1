import { pino } from 'pino';
import pg from 'pg';
import t from 'tap';
import { seedBaseResources } from '../../catalog/base-resources.ts';
import { createCatalogRepository } from '../../catalog/repository.ts';
import { migrate } from '../../gateway/db/migrate.ts';
import { createDb } from '../../gateway/plugins/db.ts';
import { createMigratedDatabase, createTestDatabase } from '../helpers/database.ts';

t.test('instances seeding one database at the same time create each base resource once', async (t) => {
  const url = await createTestDatabase(t);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await migrate(client, pino({ level: 'silent' }));
  await client.end();
  const instances = Array.from({ length: 4 }, () => createDb({ url, poolSize: 2 }));
  t.teardown(() => Promise.all(instances.map((db) => db.pool.end())));
  const created = await Promise.all(instances.map((db) => seedBaseResources(db, createCatalogRepository(db), '2026-03-01')));
  t.same(created.flat().sort(), ['101001/000001', '102001/000001', '105001/000001']);
  const { rows } = await (instances[0] as ReturnType<typeof createDb>).query<{ resources: number; revision: string }>(
    'SELECT (SELECT count(*)::int FROM catalog_resources) AS resources, (SELECT revision::text FROM catalog_state) AS revision',
  );
  t.same(rows[0], { resources: 3, revision: '3' });
});

t.test('a base resource made by hand before its seed is kept, not duplicated', async (t) => {
  const db = await createMigratedDatabase(t);
  await db.query(
    `INSERT INTO catalog_resources (code, name, kind, provider_code, provider_name, summary, format, items, sharing, open, update_cycle, publish_date, topic, revision)
     VALUES ('101001/000009', '人口库', 'base', 'GAJ', '市公安局', '手工登记', 'database', '[]', '{}', '{}', 'daily', '2026-01-01', 'dx.population.person', 0)`,
  );
  t.same((await seedBaseResources(db, createCatalogRepository(db), '2026-03-01')).sort(), ['102001/000001', '105001/000001']);
  t.same(await seedBaseResources(db, createCatalogRepository(db), '2026-03-01'), [], 'a second run creates nothing');
});
