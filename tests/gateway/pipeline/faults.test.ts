import t from 'tap';
import { ensureLocalKafka, stopLocalKafka } from '../../../deploy/kafka/local-kafka.ts';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { startDedicatedKafka, waitFor } from '../../helpers/dedicated-kafka.ts';
import { startDedicatedPostgres } from '../../helpers/dedicated-postgres.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../../helpers/person-source.ts';

const PERSON_FIELDS = { fields: Object.fromEntries(['id_number', 'name', 'sex', 'birth_date'].map((field) => [field, field])) };

t.test('killing the broker mid-pull again and again loses no row, and offsets never run ahead of acknowledgements', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19692);
  const { app, adminKey } = await buildTestApp(t, { brokers: kafka.brokers, env: { DX_SCHEDULER_HEARTBEAT_MS: '200', KAFKA_REPLICATION_FACTOR: '1' } });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const rows = 30_000;
  const source = await createPersonSourceTable(t, rows, 0, 41);
  const topic = freshTopicName('broker-kill');
  const connector = (
    await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: 'kill', type: 'sql-pull', schema: 'population.person', topic, schedule: '* * * * * *', config: source.connection, mapping: PERSON_MAPPING, options: { batchSize: 200 } } })
  ).json();
  const status = async () => (await app.inject({ url: `/api/v1/connectors/${connector.id}/status`, headers: bearer(department.key) })).json();

  for (let kill = 1; kill <= 3; kill++) {
    await waitFor(status, (body) => body.totals.read >= 5000 * kill, 90_000);
    await stopLocalKafka({ ...options, signal: 'SIGKILL' });
    const committedWhileDown = (await status()).totals.published;
    const readiness = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 503, 20_000);
    t.equal(readiness.json().checks.kafka.ok, false, `broker down (kill ${kill}): not ready`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    t.equal((await status()).totals.published, committedWhileDown, 'nothing is committed while the broker is down');
    await ensureLocalKafka(options);
  }
  const done = await waitFor(status, (body) => body.totals.published >= rows, 180_000);
  t.ok(done.totals.published >= rows);
  const messages = await consumeTopic(topic, rows, { brokers: kafka.brokers, timeoutMs: 60_000, quietMs: 2000 });
  const keys = new Set(messages.map((message) => message.key));
  t.same(source.validIds.filter((id) => !keys.has(id)), [], 'every source row is on the topic');
  t.ok(messages.length <= done.totals.published, 'the topic holds no record the gateway did not count as acknowledged');
});

t.test('a push while the broker is down gets no 2xx, and the same Idempotency-Key after recovery publishes the records once', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19792);
  const { app, adminKey } = await buildTestApp(t, { brokers: kafka.brokers });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const topic = freshTopicName('push-down');
  const connector = (await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: 'push', type: 'http-push', schema: 'population.person', topic, config: {}, mapping: PERSON_FIELDS } })).json();
  const fixtures = createFixtureGenerator({ seed: 5 });
  const records = Array.from({ length: 20 }, () => fixtures.person());
  const push = () => app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'retry-me' }, payload: records });
  t.equal((await push()).statusCode, 202, 'works while the broker is up');
  await stopLocalKafka(options);

  const down = await push();
  t.equal(down.statusCode, 202, 'the first answer is replayed from the database while the broker is down');
  const fresh = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'second' }, payload: records });
  t.equal(fresh.statusCode, 503, 'a new push while the broker is down is refused');
  t.equal(fresh.json().code, 'DX_ERR_KAFKA_UNAVAILABLE');

  await ensureLocalKafka(options);
  const retried = await waitFor(() => app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'second' }, payload: records }), (response) => response.statusCode === 202, 60_000);
  t.equal(retried.statusCode, 202);
  const again = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'second' }, payload: records });
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal((await consumeTopic(topic, 40, { brokers: kafka.brokers, quietMs: 2000 })).length, 40, 'each key published its records once');
});

t.test('with PostgreSQL stopped the gateway stays up, reports not ready, refuses API calls with 503, and recovers', async (t) => {
  const postgres = startDedicatedPostgres(t, 25432);
  const { app, adminKey } = await buildTestApp(t, { adminDatabaseUrl: postgres.url });
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  postgres.stop();
  const down = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 503, 20_000);
  t.match(down.json().checks, { database: { ok: false }, kafka: { ok: true } });
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const refused = await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) });
  t.equal(refused.statusCode, 503);
  t.equal(refused.json().code, 'DX_ERR_DB_UNAVAILABLE');
  postgres.start();
  const back = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 200, 30_000);
  t.equal(back.statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) })).statusCode, 200);
});
