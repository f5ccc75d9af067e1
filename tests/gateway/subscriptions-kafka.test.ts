import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { buildGateway, buildWorld, expectedDeliveries, PERSON_FIELDS, subscribe, takeDelivery } from '../subscriptions/world.ts';

t.test('kafka delivery projects the resource topic into the subscription topic: approved fields, masked, keyed by the masked key', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  t.match(subscription.delivery, { mode: 'kafka', topic: `dx.sub.${subscription.id}`, consumerGroupPrefix: `dx.sub.${subscription.id}`, kafkaPrincipal: `User:integrator-${world.integrator.id}` });
  const people = world.people(4);
  await world.push(people);
  const messages = await consumeTopic(subscription.delivery.topic, 4, { timeoutMs: 30_000 });
  t.equal(messages.length, 4);
  const expected = expectedDeliveries(people, subscription.id, PERSON_FIELDS);
  for (const message of messages) {
    t.ok(takeDelivery(expected, message.key, JSON.parse(message.value.toString('utf8'))), `key ${message.key} and its record are a pushed person's, masked`);
    t.match(message.headers, { 'dx-message-id': /^[0-9a-f]{32}$/, 'dx-subscription': subscription.id, 'dx-source-offset': /^\d+:\d+$/ });
  }
  const seen = await waitFor(async () => (await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers: bearer(world.integrator.key) })).json(), (body) => body.delivery.records === 4, 10_000);
  t.equal(seen.delivery.acl, 'applied', "the local broker has an authorizer: the integrator's principal was granted its topic");
  const audit = (await world.app.inject({ url: `/api/v1/audit?action=subscription.deliver&objectId=${subscription.id}`, headers: bearer(world.adminKey) })).json();
  t.equal(audit.items.reduce((sum: number, entry: { details: { records: number } }) => sum + entry.details.records, 0), 4, 'each delivered batch is audited with its count');
  t.match(audit.items[0].details, { mode: 'kafka', partition: Number, fromOffset: /^\d+$/, toOffset: /^\d+$/ });
});

t.test('a revoked kafka subscription stops within seconds: records published after it never reach the subscription topic', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  await world.push(world.people(2));
  t.equal((await consumeTopic(subscription.delivery.topic, 2, { timeoutMs: 30_000 })).length, 2);
  const revoked = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.provider.key), payload: { reason: '停止共享' } });
  t.equal(revoked.statusCode, 200);
  t.notOk(world.app.subscriptions.runtime.isDelivering(subscription.id), 'the projector stopped when the revocation was answered');
  await world.push(world.people(3));
  t.equal((await consumeTopic(subscription.delivery.topic, 5, { timeoutMs: 4000, quietMs: 3000 })).length, 2, 'nothing after the revocation');
});

t.test('after a restart the projector resumes from its committed position without delivering again', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  await world.push(world.people(3));
  t.equal((await consumeTopic(subscription.delivery.topic, 3, { timeoutMs: 30_000 })).length, 3);
  await waitFor(async () => (await world.app.subscriptions.store.get(subscription.id))?.delivered, (delivered) => delivered === 3, 10_000);
  await world.app.close();
  const restarted = await buildGateway(t, { databaseUrl: world.databaseUrl, adminKey: world.adminKey });
  const connector = (await restarted.app.inject({ url: '/api/v1/connectors', headers: bearer(world.provider.key) })).json().items[0];
  const pushed = await restarted.app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(world.provider.key), payload: world.people(2) });
  t.equal(pushed.statusCode, 202);
  t.equal((await consumeTopic(subscription.delivery.topic, 5, { timeoutMs: 30_000, quietMs: 2000 })).length, 5, 'the two new records only');
});
