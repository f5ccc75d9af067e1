import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../gateway/app.ts';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { loadConfig } from '../../gateway/config.ts';
import { startEmbeddedPostgres } from '../../gateway/db/embedded.ts';
import { createLogger } from '../../gateway/logger.ts';
import { bearer } from '../helpers/app.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';
import { createResource, departmentResource, searchCatalog } from './helpers.ts';

t.test('on the embedded database the catalogue seeds, searches, changes and reports statistics', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dx-catalog-embedded-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const embedded = await startEmbeddedPostgres(dataDir);
  t.teardown(() => embedded.stop());
  const adminKey = generateApiKey();
  const config = loadConfig({ DX_ADMIN_TOKEN: adminKey, LOG_LEVEL: 'warn' });
  const app = await buildApp({ config, database: { url: embedded.url, poolSize: 1 }, kafkaBrokers: TEST_BROKERS, logger: createLogger('warn', new Writable({ write: (_c, _e, done) => done() })) });
  t.teardown(() => app.close());

  t.equal((await searchCatalog(app, adminKey, 'kind=base')).total, 3);
  const created = await createResource(app, adminKey, departmentResource(1, { name: '学校基本信息', providerCode: 'JYJ', providerName: '市教育局' }));
  const found = await searchCatalog(app, adminKey, `q=${encodeURIComponent('学校基本')}`);
  t.same(found.items.map((item: { id: string }) => item.id), [created.id]);
  const population = (await searchCatalog(app, adminKey, `q=${encodeURIComponent('人口')}`)).items[0];
  const stats = await app.inject({ url: `/api/v1/catalog/resources/${population.id}/statistics`, headers: bearer(adminKey) });
  t.match(stats.json(), { published: 0, schema: { version: 1 }, freshness: { state: 'on-time' } });
  const series = await app.inject({ url: `/api/v1/catalog/resources/${population.id}/throughput`, headers: bearer(adminKey) });
  t.equal(series.statusCode, 200);
  const history = await app.inject({ url: `/api/v1/catalog/resources/${created.id}/history`, headers: bearer(adminKey) });
  t.equal(history.json().total, 1);
});
