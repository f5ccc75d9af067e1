import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import t from 'tap';
import { ensureLocalKafka, stopLocalKafka } from '../../gateway/kafka/local-broker/local-kafka.ts';
import { bearer } from '../helpers/app.ts';
import { integratorKafkaOf, readAsIntegrator } from '../helpers/integrator-kafka.ts';
import { waitFor, warmUpKafka } from '../helpers/dedicated-kafka.ts';
import { buildWorld, subscribe, type World, type WorldOptions } from '../subscriptions/world.ts';

// A broker of this file's own, started as `npm run kafka:start` starts one (the default, secured layout).
const dir = mkdtempSync(join(tmpdir(), 'dx-kafka-secured-'));
const options = { port: 19592, dir, heap: '256m', reuseForeign: false };
t.teardown(async () => {
  await stopLocalKafka({ ...options, signal: 'SIGKILL' });
  rmSync(dir, { recursive: true, force: true });
});
const broker = await ensureLocalKafka(options);
const secured = broker.secured;
if (!secured) throw new Error('the local broker started without its secured listener');
await warmUpKafka(broker.brokers);

/** The gateway connects to the secured listener as its SCRAM super user, over TLS checked against the broker's CA. */
function securedWorld(t: Parameters<typeof buildWorld>[0], env: Record<string, string> = {}): Promise<World> {
  const gatewayEnv = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: secured!.gateway.username, KAFKA_SASL_PASSWORD: secured!.gateway.password, KAFKA_SSL_CA: secured!.caFile };
  return buildWorld(t, { kafkaBrokers: secured!.brokers, env: { ...gatewayEnv, ...env } } satisfies WorldOptions);
}

const integratorKafka = integratorKafkaOf(broker);
const read = readAsIntegrator;

/** The broker's answer to describing `topic` as this client: 'allowed' or its error type. */
async function describe(admin: Admin, topic: string): Promise<string> {
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    return 'allowed';
  } catch (err) {
    return (err as { type?: string }).type ?? (err as Error).message;
  }
}

async function aclOf(world: World, subscriptionId: string): Promise<string> {
  return (await world.app.inject({ url: `/api/v1/subscriptions/${subscriptionId}`, headers: bearer(world.integrator.key) })).json().delivery.acl;
}

t.test('a second start reuses the running broker and reports the same secured listener', async (t) => {
  const again = await ensureLocalKafka(options);
  t.equal(again.started, false);
  t.equal(again.pid, broker.pid);
  t.same(again.secured, secured, 'same port, CA and gateway user');
  t.same(secured.brokers, ['127.0.0.1:19594'], 'the secured listener is on port + 2');
});

t.test("on a broker with an authorizer the integrator reads its own subscription topic only, and after revocation not even that", async (t) => {
  const world = await securedWorld(t);
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  const other = await subscribe(world, { delivery: { mode: 'kafka' } }, world.otherIntegrator.key);
  await world.push(world.people(3));
  const dead = await world.app.inject({ method: 'POST', url: `/api/v1/ingest/${world.connectorId}`, headers: bearer(world.provider.key), payload: [{ id_number: 'not an id number', name: '张三' }] });
  t.equal(dead.statusCode, 202, 'a bad record goes to the dead-letter topic');
  t.equal(await waitFor(() => aclOf(world, subscription.id), (acl) => acl === 'applied', 30_000), 'applied');

  const kafka = await integratorKafka(world.integrator.id);
  const own = await read(kafka, subscription.delivery.topic, `${subscription.delivery.topic}.reader`, 3);
  t.match(own, { values: { length: 3 } }, 'the integrator reads its subscription topic with a group of its prefix');
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const committed = await world.app.kafka.admin.fetchOffsets({ groupId: `${subscription.delivery.topic}.reader`, topics: [subscription.delivery.topic] });
  t.ok(committed[0]!.partitions.some((partition) => Number(partition.offset) > 0), 'and commits its position in that group');

  t.match(await read(kafka, world.topic, `${subscription.delivery.topic}.reader2`, 1, 10_000), { refused: 'TOPIC_AUTHORIZATION_FAILED' }, 'the resource topic is refused, though the group is its own');
  t.match(await read(kafka, `${world.topic}.dlq`, `${subscription.delivery.topic}.reader3`, 1, 10_000), { refused: 'TOPIC_AUTHORIZATION_FAILED' }, 'the dead-letter topic is refused');
  t.match(await read(kafka, other.delivery.topic, `${other.delivery.topic}.reader`, 1, 10_000), { refused: /AUTHORIZATION_FAILED/ }, "another integrator's subscription topic is refused");
  const { rows } = await world.app.db.query<{ topic: string }>('SELECT topic FROM catalog_resources WHERE topic IS NOT NULL');
  t.ok(rows.length > 1, 'the catalogue has resource topics');
  for (const { topic } of rows) {
    t.equal(await describe(admin, topic), 'TOPIC_AUTHORIZATION_FAILED', `resource topic ${topic} is refused`);
    t.equal(await describe(admin, `${topic}.dlq`), 'TOPIC_AUTHORIZATION_FAILED', `dead-letter topic ${topic}.dlq is refused`);
  }

  const revoked = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.integrator.key), payload: { reason: '业务结束' } });
  t.equal(revoked.statusCode, 200);
  t.equal(await waitFor(() => aclOf(world, subscription.id), (acl) => acl === 'removed', 30_000), 'removed');
  t.equal(await describe(world.app.kafka.admin, subscription.delivery.topic), 'allowed', 'the topic is still there (its grace period runs)');
  t.match(await read(kafka, subscription.delivery.topic, `${subscription.delivery.topic}.reader4`, 1, 10_000), { refused: /AUTHORIZATION_FAILED/ }, 'after revocation its own topic is refused');
});

t.test('the topic of a revoked kafka subscription is deleted once its grace period is over', async (t) => {
  const world = await securedWorld(t, { DX_SUBSCRIPTION_TOPIC_GRACE_HOURS: '0.001' });
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  const kept = await subscribe(world, { delivery: { mode: 'kafka' } }, world.otherIntegrator.key);
  await world.push(world.people(2));
  const topics = () => world.app.kafka.admin.listTopics();
  t.ok((await waitFor(topics, (list) => list.includes(subscription.delivery.topic) && list.includes(kept.delivery.topic), 30_000)).includes(subscription.delivery.topic));
  const revokedAt = Date.now();
  await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.integrator.key), payload: {} });
  const after = await waitFor(topics, (list) => !list.includes(subscription.delivery.topic), 30_000);
  t.notOk(after.includes(subscription.delivery.topic), 'the revoked subscription topic is deleted');
  t.ok(Date.now() - revokedAt >= 3600, 'not before the grace period (3.6 s)');
  t.ok(after.includes(kept.delivery.topic), 'an active subscription keeps its topic');
});
