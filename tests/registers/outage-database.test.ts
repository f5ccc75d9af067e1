import t from 'tap';
import { createDb } from '../../gateway/plugins/db.ts';
import { createValueDecoder } from '../../gateway/registers/decode.ts';
import { bearer } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { buildGateway, PERSON_FIELDS, subscribe } from '../subscriptions/world.ts';
import { captureLogs, resourceMetric } from './outage-world.ts';
import { ACCOUNTING } from './query-world.ts';
import { compareRegisterWithTopic, topicHighs, waitForRegisterAtEnd } from './register-equals-topic.ts';
import { buildRegisterWorld, waitFor } from './register-world.ts';

const BATCH = 500;

t.test('the database cut off mid-materialisation and restored: lookups answer 503 meanwhile, the materialiser resumes by itself, and the register equals the topic', async (t) => {
  const directUrl = await createTestDatabase(t);
  const proxy = await startTcpProxy(t, { host: new URL(directUrl).hostname, port: Number(new URL(directUrl).port || 5432) });
  const proxiedUrl = new URL(directUrl);
  proxiedUrl.port = String(proxy.port);
  const logs = captureLogs();
  // The gateway under test reaches PostgreSQL through the proxy; a second instance, straight, keeps records flowing.
  const world = await buildRegisterWorld(t, { databaseUrl: proxiedUrl.toString(), env: { LOG_LEVEL: 'info' }, logSink: logs.sink });
  const resourceId = world.resource.id as string;
  const pusher = await buildGateway(t, { databaseUrl: directUrl, adminKey: world.adminKey });
  await pusher.app.registers.runtime.stop();
  const db = createDb({ url: directUrl, poolSize: 2 });
  t.teardown(() => db.pool.end());
  const subscription = await subscribe(world, { delivery: { mode: 'query' }, fields: PERSON_FIELDS });
  const push = async (count: number) => {
    const people = world.people(count);
    const response = await pusher.app.inject({ method: 'POST', url: `/api/v1/ingest/${world.connectorId}`, headers: bearer(world.provider.key), payload: people });
    if (response.statusCode !== 202) throw new Error(`push: ${response.statusCode} ${response.body}`);
    return people;
  };
  const entries = async () => Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM register_entries WHERE resource_id = $1', [resourceId])).rows[0]?.n);
  const lookup = (key: string) => world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/lookup`, headers: bearer(world.integrator.key), payload: { key, ...ACCOUNTING } });

  const first = await push(BATCH);
  for (let batch = 0; batch < 3; batch++) await push(BATCH);
  await waitFor('the materialiser to apply some records', async () => (await entries()) >= BATCH, 60_000);
  const known = (first[0] as { id_number: string }).id_number;
  t.equal((await lookup(known)).statusCode, 200);

  await proxy.cut();
  for (let batch = 0; batch < 4; batch++) await push(BATCH);
  const cutOff = await lookup(known);
  t.equal(cutOff.statusCode, 503, 'a lookup while the database is cut off answers 503');
  t.equal(cutOff.json().code, 'DX_ERR_DB_UNAVAILABLE');
  const verify = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/verify`, headers: bearer(world.integrator.key), payload: { key: known, claims: { name: '张三' }, ...ACCOUNTING } });
  t.equal(verify.statusCode, 503, 'so does a verification');
  const register = await world.app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${resourceId}/register`, headers: bearer(world.adminKey) });
  t.equal(register.statusCode, 503, 'and the register page');
  await waitFor('the materialiser to report its outage', async () => (await world.app.inject({ url: '/readyz' })).json().registers.retrying.some((item: { id: string }) => item.id === `${resourceId}:1`), 60_000);
  const readiness = (await world.app.inject({ url: '/readyz' })).json();
  t.equal(readiness.checks.database.ok, false, 'readiness names the database');
  t.equal(readiness.registers.materialisers, 'retrying');
  t.equal(await resourceMetric(world.app, 'dx_register_materialiser_up', resourceId), 0, 'the gauge shows it down');
  // Several attempts while the database stays cut off.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const downLines = logs.lines.filter((line) => line.msg === 'register materialiser down; retrying with backoff until it resumes');
  t.equal(downLines.filter((line) => line.materialiser === `${resourceId}:1`).length, 1, 'the outage is logged once, not per retry');
  t.ok(downLines.filter((line) => line.materialiser === 'sync').length <= 1, "the runtime's failing sync is logged once at most");

  await proxy.restore();
  for (let batch = 0; batch < 2; batch++) await push(BATCH);
  const highs = await topicHighs(TEST_BROKERS, world.topic);
  await waitForRegisterAtEnd(db, resourceId, highs, 120_000);

  const comparison = await compareRegisterWithTopic({ db, resourceId, topic: world.topic, brokers: TEST_BROKERS, highs, decode: createValueDecoder(world.app.schemaRegistry) });
  t.equal(comparison.keys, 10 * BATCH, 'every person pushed is a key of the topic');
  t.equal(comparison.entries, comparison.keys, `one entry per key (${comparison.topicRecords} records)`);
  t.same(comparison.wrongPosition, [], "every entry is its key's last record (partition and offset)");
  t.same(comparison.wrongValue, [], "every entry holds its last record's value");
  t.same(comparison.wrongProvenance, [], "every entry carries its last record's message id and source position");
  t.same(comparison.extra, []);

  t.equal((await lookup(known)).json().found, true, 'lookups answer again');
  await waitFor('the materialiser up again', async () => (await resourceMetric(world.app, 'dx_register_materialiser_up', resourceId)) === 1, 30_000);
  await waitFor('readiness to show it running', async () => (await world.app.inject({ url: '/readyz' })).json().registers.materialisers === 'running', 30_000);
  t.equal(logs.lines.filter((line) => line.msg === 'register materialiser resumed' && line.materialiser === `${resourceId}:1`).length, 1, 'its resumption is logged once');
});
