import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { startDedicatedKafka, waitFor, warmUpKafka } from '../helpers/dedicated-kafka.ts';
import { buildGateway, buildWorld, requestSubscription, subscribe, type World } from '../subscriptions/world.ts';

// A broker without an authorizer (the plain layout), of this file's own.
const { kafka: broker } = await startDedicatedKafka(t, 19292);
await warmUpKafka(broker.brokers);

async function aclOf(world: Pick<World, 'app' | 'integrator'>, subscriptionId: string): Promise<string> {
  return (await world.app.inject({ url: `/api/v1/subscriptions/${subscriptionId}`, headers: bearer(world.integrator.key) })).json().delivery.acl;
}

t.test('on a cluster without an authorizer a kafka subscription is refused with 409 naming delivery.mode; http delivery is not', async (t) => {
  const world = await buildWorld(t, { kafkaBrokers: broker.brokers });
  const refused = await requestSubscription(world, { delivery: { mode: 'kafka' } });
  t.equal(refused.statusCode, 409);
  t.match(refused.json(), { code: 'DX_ERR_SUBSCRIPTION_KAFKA_UNSECURED', details: [{ path: 'delivery.mode', message: /no authorizer.*DX_ALLOW_UNSECURED_KAFKA=true/ }] });
  t.equal((await world.app.db.query('SELECT 1 FROM subscriptions')).rowCount, 0, 'nothing was stored');
  t.equal((await requestSubscription(world, { delivery: { mode: 'http' } })).statusCode, 201);
});

t.test('DX_ALLOW_UNSECURED_KAFKA=true lets it through as no-authorizer; a restart without it stops delivery as refused', async (t) => {
  const world = await buildWorld(t, { kafkaBrokers: broker.brokers, env: { DX_ALLOW_UNSECURED_KAFKA: 'true' } });
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  // On a loaded machine a fresh broker may not know the new resource topic for a moment (503): push again then.
  const people = world.people(2);
  await waitFor(() => world.push(people).then(() => true, () => false), (pushed) => pushed, 30_000);
  t.equal((await consumeTopic(subscription.delivery.topic, 2, { brokers: broker.brokers, timeoutMs: 30_000 })).length, 2, 'delivered');
  t.equal(await waitFor(() => aclOf(world, subscription.id), (acl) => acl === 'no-authorizer', 10_000), 'no-authorizer');
  await world.app.close();

  const restarted = await buildGateway(t, { databaseUrl: world.databaseUrl, adminKey: world.adminKey, kafkaBrokers: broker.brokers });
  const again = { app: restarted.app, integrator: world.integrator };
  t.equal(await waitFor(() => aclOf(again, subscription.id), (acl) => acl === 'refused', 15_000), 'refused', 'the projector refuses to deliver');
  const pushed = await restarted.app.inject({ method: 'POST', url: `/api/v1/ingest/${world.connectorId}`, headers: bearer(world.provider.key), payload: world.people(3) });
  t.equal(pushed.statusCode, 202);
  t.equal((await consumeTopic(subscription.delivery.topic, 5, { brokers: broker.brokers, timeoutMs: 5000, quietMs: 4000 })).length, 2, 'nothing more reaches the subscription topic');
});
