import t from 'tap';
import { generateApiKey } from '../../../gateway/auth/api-key.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { createDepartment } from '../../helpers/department.ts';
import { waitFor } from '../../helpers/dedicated-kafka.ts';
import { api, startGatewayProcess } from '../../helpers/gateway-process.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../../helpers/person-source.ts';
import { provideTopic, topicResourceBody } from '../../helpers/resource.ts';

t.test('an exactly-once connector writes its records and offsets in transactions and resumes from the offsets topic', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_SCHEDULER_HEARTBEAT_MS: '200' } });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const source = await createPersonSourceTable(t, 50, 2);
  const topic = freshTopicName('eos');
  await provideTopic(app, adminKey, 'GAJ', topic);
  const connector = (
    await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: 'eos', type: 'sql-pull', schema: 'population.person', topic, schedule: '0 0 1 1 *', config: source.connection, mapping: PERSON_MAPPING, options: { batchSize: 20, exactlyOnce: true } } })
  ).json();
  const run = async () => {
    const before = (await app.inject({ url: `/api/v1/connectors/${connector.id}/status`, headers: bearer(department.key) })).json().lastRun?.id ?? 0;
    await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/run`, headers: bearer(department.key) });
    return waitFor(async () => (await app.inject({ url: `/api/v1/connectors/${connector.id}/status`, headers: bearer(department.key) })).json(), (s) => s.lastRun?.id > before && s.lastRun.status !== 'running', 60_000);
  };
  const first = await run();
  t.match(first.lastRun, { status: 'succeeded', read: 52, published: 50, rejected: 2 }, first.lastRun.error ?? '');
  t.equal((await consumeTopic(topic, 50, { isolation: 'read_committed' })).length, 50);
  t.equal((await consumeTopic(`${topic}.dlq`, 2, { isolation: 'read_committed' })).length, 2);

  await app.pipeline.store.resetOffsets(connector.id);
  const second = await run();
  t.match(second.lastRun, { status: 'succeeded', read: 0 }, 'the offsets come from the offsets topic, not PostgreSQL');
});

t.test('a push connector cannot ask for exactly-once', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'GAJ');
  const response = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: 'p', type: 'http-push', schema: 'population.person', config: {}, mapping: PERSON_MAPPING, options: { exactlyOnce: true } } });
  t.equal(response.statusCode, 400);
  t.equal(response.json().details[0].path, 'options.exactlyOnce');
});

t.test('killed mid-batch several times, an exactly-once connector shows each row once to a read_committed consumer', async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const adminKey = generateApiKey();
  const env = { DATABASE_URL: databaseUrl, DX_ADMIN_TOKEN: adminKey, DX_SCHEDULER_HEARTBEAT_MS: '300', DX_LEASE_TTL_MS: '2000' };
  const rows = 20_000;
  const source = await createPersonSourceTable(t, rows, 0, 31);
  const topic = freshTopicName('eos-crash');
  let gateway = await startGatewayProcess(t, env);
  const department = (await api(gateway, adminKey, 'POST', '/api/v1/principals', { kind: 'department', name: '公安局', departmentCode: 'GAJ' })).json;
  const key = (await api(gateway, adminKey, 'POST', `/api/v1/principals/${department.id}/keys`, {})).json.key;
  await api(gateway, adminKey, 'POST', '/api/v1/catalog/resources', topicResourceBody('GAJ', topic));
  const connector = (await api(gateway, key, 'POST', '/api/v1/connectors', { name: 'eos', type: 'sql-pull', schema: 'population.person', topic, schedule: '*/2 * * * * *', config: source.connection, mapping: PERSON_MAPPING, options: { batchSize: 250, exactlyOnce: true } })).json;
  const status = () => api(gateway, key, 'GET', `/api/v1/connectors/${connector.id}/status`).then((response) => response.json);
  for (let crash = 1; crash <= 3; crash++) {
    await waitFor(status, (body) => body.totals.read >= 4000 * crash, 90_000);
    await gateway.kill('SIGKILL');
    gateway = await startGatewayProcess(t, env);
  }
  await waitFor(
    async () => (await consumeTopic(topic, rows, { timeoutMs: 5000, quietMs: 500 })).length,
    (count) => count >= rows,
    120_000,
  );
  const committed = await consumeTopic(topic, rows, { isolation: 'read_committed', timeoutMs: 60_000, quietMs: 2000 });
  const keys = committed.map((message) => message.key);
  t.equal(committed.length, rows, 'exactly as many committed records as source rows');
  t.equal(new Set(keys).size, rows, 'each row once');
});
