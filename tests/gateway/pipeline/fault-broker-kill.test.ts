import t from 'tap';
import { ensureLocalKafka, stopLocalKafka } from '../../../gateway/kafka/local-broker/local-kafka.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { startDedicatedKafka, waitFor } from '../../helpers/dedicated-kafka.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../../helpers/person-source.ts';
import { provideTopic } from '../../helpers/resource.ts';

t.test('killing the broker mid-pull again and again loses no row, and offsets never run ahead of acknowledgements', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19692);
  const { app, adminKey } = await buildTestApp(t, { brokers: kafka.brokers, env: { DX_SCHEDULER_HEARTBEAT_MS: '200', KAFKA_REPLICATION_FACTOR: '1' } });
  const department = await createDepartment(app, adminKey, 'GAJ');
  const rows = 30_000;
  const source = await createPersonSourceTable(t, rows, 0, 41);
  const topic = freshTopicName('broker-kill');
  await provideTopic(app, adminKey, 'GAJ', topic);
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
