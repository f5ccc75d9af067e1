import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { generateApiKey } from '../../gateway/auth/api-key.ts';
import { PROJECT_ROOT } from '../../project-root.ts';
import { VERSION } from '../../gateway/version.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { api, startGatewayProcess } from '../helpers/gateway-process.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';
import { topicResourceBody } from '../helpers/resource.ts';

const run = promisify(execFile);

t.test('the compiled gateway (npm start) finds its migrations, schemas and web UI, and publishes through its worker thread', async (t) => {
  // Its own output folder inside the checkout, so that it finds the project root as build/ does.
  const outDir = join(PROJECT_ROOT, '.tap', `compiled-gateway-${process.pid}`);
  t.teardown(() => rm(outDir, { recursive: true, force: true }));
  await run(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: PROJECT_ROOT });

  const databaseUrl = await createTestDatabase(t);
  const adminKey = generateApiKey();
  const gateway = await startGatewayProcess(t, { DATABASE_URL: databaseUrl, DX_ADMIN_TOKEN: adminKey, DX_PIPELINE_WORKERS: '1' }, join(outDir, 'gateway', 'server.js'));

  const openApi = await fetch(`${gateway.url}/docs/json`).then((response) => response.json());
  t.equal(openApi.info.version, VERSION, 'the version comes from package.json');
  t.equal((await fetch(`${gateway.url}/readyz`)).status, 200, 'ready: migrations ran, Kafka answers');
  const ui = await fetch(`${gateway.url}/ui/`);
  t.equal(ui.status, 200, 'the web UI is served');
  t.match(await ui.text(), /<html/);

  const department = (await api(gateway, adminKey, 'POST', '/api/v1/principals', { kind: 'department', name: '公安局', departmentCode: 'GAJ' })).json;
  const key = (await api(gateway, adminKey, 'POST', `/api/v1/principals/${department.id}/keys`, {})).json.key;
  const source = await createPersonSourceTable(t, 2000, 5);
  const topic = freshTopicName('compiled');
  await api(gateway, adminKey, 'POST', '/api/v1/catalog/resources', topicResourceBody('GAJ', topic));
  const created = await api(gateway, key, 'POST', '/api/v1/connectors', { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '*/2 * * * * *', config: source.connection, mapping: PERSON_MAPPING, options: { batchSize: 300 } });
  t.equal(created.status, 201, 'the connector is registered');
  const status = () => api(gateway, key, 'GET', `/api/v1/connectors/${created.json.id}/status`).then((response) => response.json);
  const done = await waitFor(status, (body) => body.totals.read >= 2005, 60_000);
  t.equal(done.totals.published, 2000);
  t.equal(done.totals.rejected, 5, 'the invalid rows went to the dead-letter topic');

  const messages = await consumeTopic(topic, 2000, { timeoutMs: 30_000 });
  t.same(new Set(messages.map((message) => message.key)), new Set(source.validIds), 'every valid row is on the topic');
  t.ok(messages.every((message) => /^[0-9a-f]{32}$/.test(String(message.headers['dx-message-id']))), 'each with its message id');
});
