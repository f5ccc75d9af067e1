import t from 'tap';
import { ensureLocalKafka, stopLocalKafka } from '../../gateway/kafka/local-broker/local-kafka.ts';
import { createValueDecoder } from '../../gateway/registers/decode.ts';
import { bearer } from '../helpers/app.ts';
import { startDedicatedKafka, warmUpKafka } from '../helpers/dedicated-kafka.ts';
import { captureLogs, resourceMetric } from './outage-world.ts';
import { compareRegisterWithTopic, topicHighs, waitForRegisterAtEnd } from './register-equals-topic.ts';
import { buildRegisterWorld, registerEntries, waitFor } from './register-world.ts';

const BATCH = 500;

t.test('a broker killed mid-materialisation and restarted: the materialiser retries, resumes by itself, and the register equals the topic', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19930);
  await warmUpKafka(kafka.brokers);
  const logs = captureLogs();
  const world = await buildRegisterWorld(t, { kafkaBrokers: kafka.brokers, env: { KAFKA_REPLICATION_FACTOR: '1', LOG_LEVEL: 'info' }, logSink: logs.sink });
  const resourceId = world.resource.id as string;
  const readiness = async () => (await world.app.inject({ url: '/readyz' })).json();

  // Records keep coming through the outage: a push the broker cannot take (503) is sent again a second later.
  const pushed: Record<string, unknown>[] = [];
  let pushing = true;
  const pusher = (async () => {
    for (let batch = 0; pushing; batch++) {
      // Every batch also changes people of the one before: the register must hold the last version of each.
      const changed = pushed.slice(-50).map((person) => ({ ...person, former_name: `改名${batch}` }));
      const records = [...(world.people(BATCH) as unknown as Record<string, unknown>[]), ...changed];
      for (;;) {
        if (!pushing) return;
        try {
          await world.push(records as never);
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      pushed.push(...records);
    }
  })();
  await waitFor('the materialiser to apply some records', async () => (await registerEntries(world.app, resourceId)).size >= BATCH, 60_000);
  t.equal(await resourceMetric(world.app, 'dx_register_materialiser_up', resourceId), 1, 'up before the outage');

  await stopLocalKafka({ ...options, signal: 'SIGKILL' });
  const atKill = (await registerEntries(world.app, resourceId)).size;
  const pushedAtKill = pushed.length;
  await waitFor('the materialiser to report its outage', async () => (await readiness()).registers.materialisers === 'retrying', 60_000);
  const down = await readiness();
  t.equal(down.checks.kafka.ok, false, 'readiness names the broker');
  t.match(down.registers.retrying, [{ id: `${resourceId}:1`, resourceId, error: String }], 'readiness names the materialiser retrying');
  t.equal(await resourceMetric(world.app, 'dx_register_materialiser_up', resourceId), 0, 'the gauge shows it down');
  const page = await world.app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${resourceId}/register`, headers: bearer(world.adminKey) });
  t.equal(page.statusCode, 503, 'the register page, which shows the lag, answers 503');
  t.equal(page.json().code, 'DX_ERR_KAFKA_UNAVAILABLE');
  // Several attempts while the broker stays down.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  t.equal(logs.count('register materialiser down; retrying with backoff until it resumes'), 1, 'the outage is logged once, not per retry');

  await ensureLocalKafka(options);
  await waitFor('more records pushed after the restart', async () => pushed.length >= pushedAtKill + 2 * BATCH, 120_000);
  pushing = false;
  await pusher;
  const highs = await topicHighs(kafka.brokers, world.topic);
  await waitForRegisterAtEnd(world.app.db, resourceId, highs, 120_000);

  const comparison = await compareRegisterWithTopic({ db: world.app.db, resourceId, topic: world.topic, brokers: kafka.brokers, highs, decode: createValueDecoder(world.app.schemaRegistry) });
  t.equal(comparison.entries, comparison.keys, `one entry per key of the topic (${comparison.keys} keys, ${comparison.topicRecords} records)`);
  t.ok(comparison.keys >= new Set(pushed.map((person) => person.id_number)).size, 'every person pushed is a key');
  t.ok(atKill < comparison.entries, `killed mid-stream (${atKill} entries then, ${comparison.entries} at the end)`);
  t.same(comparison.wrongPosition, [], "every entry is its key's last record (partition and offset)");
  t.same(comparison.wrongValue, [], "every entry holds its last record's value");
  t.same(comparison.wrongProvenance, [], "every entry carries its last record's message id and source position");
  t.same(comparison.extra, [], 'no entry the topic does not hold');

  await waitFor('the lag metric back to 0', async () => (await resourceMetric(world.app, 'dx_register_lag_records', resourceId)) === 0, 30_000);
  await waitFor('the materialiser up again', async () => (await resourceMetric(world.app, 'dx_register_materialiser_up', resourceId)) === 1, 30_000);
  t.same((await readiness()).registers, { materialisers: 'running', retrying: [] });
  t.equal(logs.count('register materialiser resumed'), 1, 'its resumption is logged once');
});
