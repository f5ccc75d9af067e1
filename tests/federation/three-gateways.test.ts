import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { readMirrorPlan } from '../../deploy/mirror/plan.ts';
import { loadInstanceKey } from '../../gateway/federation/instance-key.ts';
import { signCall } from '../../gateway/federation/signature.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import type { PersonRecord } from '../../schemas/records.ts';
import { bearer } from '../helpers/app.ts';
import { consumeTopic, type Consumed } from '../helpers/consume.ts';
import { crashAndRestartKafka, startDedicatedKafka, waitFor } from '../helpers/dedicated-kafka.ts';
import { createIntegrator } from '../helpers/department.ts';
import { countyPersonResource, peerUp, shareWith, startGateway, superviseMirror, type TestGateway } from '../helpers/federation.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';
import { expectedDeliveries, TEST_SUBSCRIPTION_SECRET, takeDelivery } from '../subscriptions/world.ts';

// Province and county on brokers of their own, the city on the shared test broker; the county's MirrorMaker 2 is
// run by the supervisor from the county's plan, as `npm run mirror` runs it.
const COUNTY_PORT = 19970;
const PROVINCE_PORT = 19974;
const [{ kafka: countyKafka, options: countyBroker }, { kafka: provinceKafka }] = await Promise.all([startDedicatedKafka(t, COUNTY_PORT), startDedicatedKafka(t, PROVINCE_PORT)]);
const env = { DX_SUBSCRIPTION_SECRET: TEST_SUBSCRIPTION_SECRET, DX_SCHEDULER_HEARTBEAT_MS: '1000' };
// The dedicated brokers have no authorizer: their operators allow kafka delivery, as on a closed network.
const unsecured = { ...env, DX_ALLOW_UNSECURED_KAFKA: 'true' };
// One after the other: three migrating databases at once outlast the plugin timeout on a loaded host.
const county = await startGateway(t, '330110', '余杭区平台', { brokers: countyKafka.brokers, env: unsecured });
const city = await startGateway(t, '330100', '杭州市平台', { env });
const province = await startGateway(t, '330000', '浙江省平台', { brokers: provinceKafka.brokers, env: unsecured });
const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);
const { bAtA: countyAtProvince, aAtB: provinceAtCounty } = await peerUp(province, county);

const { provider, resource, connector } = await countyPersonResource(county);
await shareWith(county.app, provider.key, cityAtCounty, resource.id);
await shareWith(county.app, provider.key, provinceAtCounty, resource.id);

/** Pushes at the county, again while its broker is away (503), until accepted. */
async function push(people: PersonRecord[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await county.app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(provider.key), payload: people });
    if (response.statusCode === 202) return;
    if (response.statusCode !== 503 || Date.now() > deadline) throw new Error(`push: ${response.statusCode} ${response.body}`);
    await sleep(1000);
  }
}

// People whose masked keys differ, so each key's sequence of versions is one person's.
const fixtures = createFixtureGenerator({ seed: 2111 });
const maskedKey = (person: PersonRecord) => `${person.id_number.slice(0, 6)}${'*'.repeat(11)}${person.id_number.slice(17)}`;
const people = new Map<string, PersonRecord>();
while (people.size < 8) {
  const person = fixtures.person();
  people.set(maskedKey(person), person);
}
const version = (v: number) => [...people.values()].map((person) => ({ ...person, former_name: `v${v}` }));

const run = `three-gateways-${Date.now()}`;
// The city is a shared broker: MirrorMaker's worker group and internal topics there get names of this run's own.
const internal = { 'group.id': `${run}-mm2`, 'offset.storage.topic': `${run}.offsets`, 'config.storage.topic': `${run}.configs`, 'status.storage.topic': `${run}.status` };
const countyClusters = {
  '330110': { bootstrapServers: countyKafka.brokers },
  '330100': { bootstrapServers: TEST_BROKERS, properties: internal },
  '330000': { bootstrapServers: provinceKafka.brokers },
};
const supervisor = superviseMirror(t, county, countyClusters);
t.teardown(async () => {
  const admin = new Kafka({ clientId: 'test-mirror-internal', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: (await admin.listTopics()).filter((name) => name.startsWith(`${run}.`)) }).catch(() => undefined);
  await admin.disconnect();
});

const state: { requestId?: string; subscriptionId?: string; integratorKey?: string; localTopic?: string } = {};
const messageIds = (messages: Consumed[]) => new Set(messages.map((message) => message.headers['dx-message-id']));
/** Each key's values of former_name in arrival order, a copy made twice (same dx-message-id) counted once. */
function versionsByKey(messages: Consumed[]): Map<string, string[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, string[]>();
  for (const message of messages) {
    const id = message.headers['dx-message-id'] as string;
    if (seen.has(id)) continue;
    seen.add(id);
    byKey.set(message.key, [...(byKey.get(message.key) ?? []), JSON.parse(message.value.toString('utf8')).former_name]);
  }
  return byKey;
}
const mirrored = () => `330110.dx.sub.${state.subscriptionId}`;
/** Reads the city's mirrored topic until `count` records are there; before MirrorMaker created it, as empty. */
const mirroredRecords = (count: number, timeoutMs: number) => waitFor(() => consumeTopic(mirrored(), count, { timeoutMs: 10_000, quietMs: 1000 }).catch(() => []), (messages) => messages.length >= count, timeoutMs);
async function listCityTopics(): Promise<string[]> {
  const admin = new Kafka({ clientId: 'test-city-topics', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}
async function lag(): Promise<number> {
  await city.app.inject({ url: `/api/v1/federation/requests/${state.requestId}`, headers: bearer(state.integratorKey as string) });
  const metrics = (await city.app.inject({ url: '/metrics' })).body;
  return Number(new RegExp(`dx_federation_mirror_lag_records\\{peer="330110",request="${state.requestId}"\\} (\\d+)`).exec(metrics)?.[1]);
}

t.test("the county's resource is harvested by the city and by the province", async (t) => {
  for (const [gateway, peerId] of [[city, countyAtCity], [province, countyAtProvince]] as const) {
    const harvest = await gateway.app.inject({ method: 'POST', url: `/api/v1/peers/${peerId}/harvest`, headers: bearer(gateway.adminKey) });
    t.equal(harvest.json().upserted, 1, `${gateway.instance.name} harvested it`);
    const found = (await gateway.app.inject({ url: '/api/v1/federation/resources?origin=330110', headers: bearer(gateway.adminKey) })).json().items;
    t.match(found, [{ origin: { instanceId: '330110' }, readOnly: true, code: '330110/000001' }]);
  }
});

t.test('a city integrator requests it, the county department approves fewer fields, and only then the supervisor runs MirrorMaker', async (t) => {
  t.equal(supervisor.mirror, undefined, 'nothing to mirror yet: no MirrorMaker runs');
  const harvested = (await city.app.inject({ url: '/api/v1/federation/resources?origin=330110', headers: bearer(city.adminKey) })).json().items[0];
  const integrator = await createIntegrator(city.app, city.adminKey, '城市大脑');
  const forwarded = await city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(integrator.key), payload: { harvestedId: harvested.id, purpose: '城市交通治理', legalBasis: '《杭州市公共数据管理办法》第二十条', fields: ['id_number', 'name', 'sex', 'former_name'] } });
  t.equal(forwarded.statusCode, 201, forwarded.body);
  const subscription = (await county.app.inject({ url: `/api/v1/subscriptions?resourceId=${resource.id}`, headers: bearer(provider.key) })).json().items[0];
  const approved = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/approve`, headers: bearer(provider.key), payload: { fields: ['id_number', 'name', 'former_name'] } });
  t.equal(approved.statusCode, 200, approved.body);
  Object.assign(state, { requestId: forwarded.json().id, subscriptionId: subscription.id, integratorKey: integrator.key });
  const request = (await city.app.inject({ url: `/api/v1/federation/requests/${state.requestId}`, headers: bearer(integrator.key) })).json();
  t.match(request, { status: 'active', approvedFields: ['id_number', 'name', 'former_name'], mirroredTopic: mirrored() });

  await waitFor(async () => supervisor.mirror, (mirror) => mirror !== undefined, 15_000);
  t.ok(supervisor.mirror?.pid, 'the supervisor started MirrorMaker for the new plan');

  // A county integrator's own kafka subscription of the same resource: its topic is in the county's cluster, never in the plan.
  const local = await createIntegrator(county.app, county.adminKey, '区大数据局');
  const own = await county.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(local.key), payload: { resourceId: resource.id, purpose: '区内治理', legalBasis: '《余杭区公共数据管理办法》', fields: ['id_number', 'name', 'sex'], delivery: { mode: 'kafka' } } });
  t.equal(own.statusCode, 201, own.body);
  t.equal((await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${own.json().id}/approve`, headers: bearer(provider.key), payload: {} })).statusCode, 200);
  state.localTopic = `330110.dx.sub.${own.json().id}`;
  const { config } = await readMirrorPlan({ gatewayUrl: county.url, apiKey: county.adminKey, clusters: countyClusters });
  t.same(config.flows, [{ source: '330110', target: '330100', topics: [`dx.sub.${state.subscriptionId}`] }], "the plan: only the city's request, only into the city's cluster");
  t.same(Object.keys(config.clusters).sort(), ['330100', '330110'], 'MirrorMaker is told of no cluster that receives nothing');
});

t.test('the records reach the city masked as the county says; a broker and MirrorMaker killed mid-stream lose nothing and keep order per key', async (t) => {
  for (const v of [1, 2, 3]) await push(version(v));
  const firstArrived = await mirroredRecords(people.size, 150_000);
  t.ok(firstArrived.length >= people.size, `MirrorMaker copies into the city (${firstArrived.length} so far)`);
  const expected = expectedDeliveries(version(1), state.subscriptionId as string, ['id_number', 'name', 'former_name']);
  for (const message of firstArrived.filter((candidate) => JSON.parse(candidate.value.toString('utf8')).former_name === 'v1')) {
    t.ok(takeDelivery(expected, message.key, JSON.parse(message.value.toString('utf8'))), 'masked as the county catalogue says, only the approved fields');
  }
  t.equal(expected.length, 0, 'every first version arrived');

  const restartsBefore = supervisor.mirror?.restarts ?? 0;
  const midStream = push(version(4));
  await sleep(200);
  await crashAndRestartKafka(countyBroker, async () => {
    supervisor.mirror?.crash();
    await midStream.catch(() => undefined);
    await sleep(2000);
  });
  for (const v of [5, 6]) await push(version(v));

  const atCounty = await consumeTopic(`dx.sub.${state.subscriptionId}`, people.size * 6, { brokers: countyKafka.brokers, timeoutMs: 120_000, quietMs: 2000 });
  const countyIds = messageIds(atCounty);
  t.ok(countyIds.size >= people.size * 5, `the county projected what was pushed (${countyIds.size} records)`);
  t.equal(await waitFor(lag, (value) => value === 0, 150_000), 0, 'dx_federation_mirror_lag_records is back to 0');
  const atCity = await waitFor(
    () => consumeTopic(mirrored(), countyIds.size, { timeoutMs: 10_000, quietMs: 1000 }),
    (messages) => [...countyIds].every((id) => messageIds(messages).has(id)),
    150_000,
  );
  t.same([...messageIds(atCity)].sort(), [...countyIds].sort(), 'every record of the projected topic arrived in the city, nothing else');
  t.ok((supervisor.mirror?.restarts ?? 0) > restartsBefore, 'the killed MirrorMaker was started again');
  const inCounty = versionsByKey(atCounty);
  for (const [key, versions] of versionsByKey(atCity)) {
    t.same(versions, inCounty.get(key), `key ${key}: the versions in the county's order (${versions.join(' ')})`);
    t.ok(versions.every((value, index) => index === 0 || Number(value.slice(1)) >= Number(versions[index - 1]?.slice(1))), `key ${key}: never an older version after a newer one`);
  }
  t.equal(supervisor.applied, 1, 'the plan did not change meanwhile: MirrorMaker was never restarted for it');
  const cityTopics = await waitFor(listCityTopics, (names) => names.includes(mirrored()), 1000);
  t.notOk(cityTopics.includes(state.localTopic as string), "the county integrator's own topic never reached the city");
});

t.test('revocation at the county stops delivery in the city', async (t) => {
  const before = messageIds(await mirroredRecords(1, 10_000)).size;
  const revoked = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${state.subscriptionId}/revoke`, headers: bearer(provider.key), payload: { reason: '协议到期' } });
  t.equal(revoked.statusCode, 200);
  await push(version(7));
  await waitFor(async () => supervisor.mirror, (mirror) => mirror === undefined, 15_000);
  t.equal(supervisor.mirror, undefined, 'the plan is empty: the supervisor stopped MirrorMaker');
  t.equal(supervisor.applied, 2, 'the one change of plan since the start');
  const after = await consumeTopic(mirrored(), before + 1, { timeoutMs: 8000, quietMs: 6000 });
  t.equal(messageIds(after).size, before, 'nothing pushed after the revocation reaches the city');
  await city.app.federation.tick();
  t.equal((await city.app.inject({ url: `/api/v1/federation/requests/${state.requestId}`, headers: bearer(state.integratorKey as string) })).json().status, 'revoked', 'the city shows the revocation');
});

t.test('federated calls signed by an unregistered key or by a wrong key are refused at the province', async (t) => {
  const call = async (instanceId: string, key: KeyObject) => {
    const url = `${province.url}/federation/v1/catalog.jsonld?page=1&pageSize=10`;
    const response = await fetch(url, { headers: await signCall({ method: 'GET', url, body: '', instanceId }, key) });
    return { status: response.status, body: (await response.json()) as { code?: string; message?: string } };
  };
  const countyKey = (await loadInstanceKey(county.app.db, county.app.secretBox)).privateKey;
  t.equal((await call('330110', countyKey)).status, 200, "the county's own key is answered");
  const stranger = await call('330199', generateKeyPairSync('ed25519').privateKey);
  t.match(stranger, { status: 401, body: { code: 'DX_ERR_FEDERATION_SIGNATURE', message: /330199 is not a registered peer/ } });
  const cityKey = (await loadInstanceKey(city.app.db, city.app.secretBox)).privateKey;
  const wrong = await call('330110', cityKey);
  t.match(wrong, { status: 401, body: { code: 'DX_ERR_FEDERATION_SIGNATURE', message: /does not verify/ } });
});

t.test("the audit chain of each gateway verifies and holds its part", async (t) => {
  const parts: [TestGateway, string][] = [[county, 'subscription.approve'], [city, 'federation.request.forward'], [province, 'federation.harvest']];
  for (const [gateway, action] of parts) {
    const entry = (await gateway.app.inject({ url: `/api/v1/audit?action=${action}`, headers: bearer(gateway.adminKey) })).json().items[0];
    t.ok(entry, `${gateway.instance.name} audited ${action}`);
    const report = (await gateway.app.inject({ url: '/api/v1/audit/verify', headers: bearer(gateway.adminKey) })).json();
    t.equal(report.ok, true, `${gateway.instance.name}: the chain verifies`);
    t.ok(report.checked >= entry.sequence, `${gateway.instance.name}: the verified chain covers ${action}`);
  }
  const onSubscription = async (action: string) => (await county.app.inject({ url: `/api/v1/audit?action=${action}&objectId=${state.subscriptionId}`, headers: bearer(county.adminKey) })).json().items[0];
  t.match(await onSubscription('subscription.request'), { details: { federated: { peer: '330100', remoteRequest: state.requestId } } }, "the county's part: the city's request");
  t.match(await onSubscription('subscription.approve'), { details: { fields: ['id_number', 'name', 'former_name'] } }, 'its approval of fewer fields');
  t.ok(await onSubscription('subscription.revoke'), 'and the revocation');
});
