import t from 'tap';
import { ensureLocalKafka, stopLocalKafka } from '../../../gateway/kafka/local-broker/local-kafka.ts';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { startDedicatedKafka, waitFor } from '../../helpers/dedicated-kafka.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { provideTopic } from '../../helpers/resource.ts';

const PERSON_FIELDS = { fields: Object.fromEntries(['id_number', 'name', 'sex', 'birth_date'].map((field) => [field, field])) };

t.test('a push while the broker is down gets no 2xx, and the same Idempotency-Key after recovery publishes the records once', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19792);
  const { app, adminKey } = await buildTestApp(t, { brokers: kafka.brokers });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const topic = freshTopicName('push-down');
  await provideTopic(app, adminKey, 'GAJ', topic);
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
