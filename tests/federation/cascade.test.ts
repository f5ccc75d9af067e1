import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { startMirrorMaker, type MirrorConfig } from '../../deploy/mirror/mirror-maker.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import type { PersonRecord } from '../../schemas/records.ts';
import { bearer } from '../helpers/app.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { startDedicatedKafka, waitFor } from '../helpers/dedicated-kafka.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { peerUp, shareWith, startGateway } from '../helpers/federation.ts';
import { freshTopicName, TEST_BROKERS } from '../helpers/kafka.ts';
import { expectedDeliveries, IDENTITY_MAPPING, personResource, TEST_SUBSCRIPTION_SECRET, takeDelivery } from '../subscriptions/world.ts';

// The county runs on a broker of its own; the city on the shared test broker. MirrorMaker 2 copies between them.
const COUNTY_PORT = 19962;
const { kafka: countyKafka } = await startDedicatedKafka(t, COUNTY_PORT);
const env = { DX_SUBSCRIPTION_SECRET: TEST_SUBSCRIPTION_SECRET, DX_SCHEDULER_HEARTBEAT_MS: '1000' };
// The county's broker has no authorizer: its operator allows kafka delivery there, as on a closed network.
const county = await startGateway(t, '330110', '余杭区平台', { brokers: countyKafka.brokers, env: { ...env, DX_ALLOW_UNSECURED_KAFKA: 'true' } });
const city = await startGateway(t, '330100', '杭州市平台', { env });
const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);

const provider = await createDepartment(county.app, county.adminKey, 'YHGA', '余杭区公安分局');
const topic = freshTopicName('county');
const resource = (await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: { ...personResource('330110/000001', topic, 'conditional'), providerCode: 'YHGA', providerName: '余杭区公安分局' } })).json();
const connector = (await county.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(provider.key), payload: { name: '户籍推送', type: 'http-push', schema: 'population.person', topic, config: { maxRecordsPerRequest: 1000 }, mapping: IDENTITY_MAPPING } })).json();
await shareWith(county.app, provider.key, cityAtCounty, resource.id);
const fixtures = createFixtureGenerator({ seed: 21 });
async function push(people: PersonRecord[]): Promise<void> {
  const response = await county.app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(provider.key), payload: people });
  if (response.statusCode !== 202) throw new Error(`push: ${response.body}`);
}

const mirrorDir = mkdtempSync(join(tmpdir(), 'dx-mirror-'));
t.teardown(() => rmSync(mirrorDir, { recursive: true, force: true }));
const mirrorConfig = async (): Promise<MirrorConfig> => {
  const plan = (await county.app.inject({ url: `/api/v1/peers/${cityAtCounty}/mirror`, headers: bearer(county.adminKey) })).json();
  return { clusters: { '330110': countyKafka.brokers, '330100': TEST_BROKERS }, flows: [{ source: plan.source, target: plan.target, topics: plan.topics }] };
};

t.test("a county resource reaches a city integrator: harvested, requested, approved for fewer fields, mirrored masked, stopped by revocation", async (t) => {
  const harvest = await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) });
  t.equal(harvest.json().upserted, 1);
  const harvested = (await city.app.inject({ url: '/api/v1/federation/resources?origin=330110', headers: bearer(city.adminKey) })).json().items[0];
  const integrator = await createIntegrator(city.app, city.adminKey, '城市大脑');
  const forwarded = await city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(integrator.key), payload: { harvestedId: harvested.id, purpose: '城市交通治理', legalBasis: '《杭州市公共数据管理办法》第二十条', fields: ['id_number', 'name', 'sex'] } });
  t.equal(forwarded.statusCode, 201, forwarded.body);
  const subscription = (await county.app.inject({ url: `/api/v1/subscriptions?resourceId=${resource.id}`, headers: bearer(provider.key) })).json().items[0];
  const approved = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/approve`, headers: bearer(provider.key), payload: { fields: ['id_number', 'name'] } });
  t.equal(approved.statusCode, 200, approved.body);
  const request = (await city.app.inject({ url: `/api/v1/federation/requests/${forwarded.json().id}`, headers: bearer(integrator.key) })).json();
  t.match(request, { status: 'active', approvedFields: ['id_number', 'name'], mirroredTopic: `330110.dx.sub.${subscription.id}` });

  // A second city integrator takes the county's records by http pull from its own gateway.
  const puller = await createIntegrator(city.app, city.adminKey, '城市网格');
  const byHttp = await city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(puller.key), payload: { harvestedId: harvested.id, purpose: '网格治理', legalBasis: '《杭州市公共数据管理办法》第二十条', fields: ['id_number', 'name', 'sex'], delivery: { mode: 'http' } } });
  t.equal(byHttp.statusCode, 201, byHttp.body);
  const httpSubscription = (await county.app.inject({ url: `/api/v1/subscriptions?resourceId=${resource.id}&status=pending`, headers: bearer(provider.key) })).json().items[0];
  t.equal((await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${httpSubscription.id}/approve`, headers: bearer(provider.key), payload: { fields: ['id_number', 'sex'] } })).statusCode, 200);
  t.match((await city.app.inject({ url: `/api/v1/federation/requests/${byHttp.json().id}`, headers: bearer(puller.key) })).json(), { status: 'active', delivery: { mode: 'http' } });
  const pullAll = async () => {
    const lines: { messageId: string; key: string; record: Record<string, unknown> }[] = [];
    for (let cursor: string | undefined, page = 0; page < 20; page++) {
      const response = await city.app.inject({ url: `/api/v1/federation/requests/${byHttp.json().id}/records?limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(puller.key) });
      if (response.statusCode !== 200) return { status: response.statusCode, lines };
      const got = response.body.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
      if (got.length === 0 && cursor !== undefined) break;
      lines.push(...got);
      cursor = response.headers['dx-next-cursor'] as string;
    }
    return { status: 200, lines };
  };

  const config = await mirrorConfig();
  t.same([...(config.flows[0]?.topics ?? [])].sort(), [`dx.sub.${subscription.id}`, `dx.sub.${httpSubscription.id}`].sort(), 'the county lets the city mirror exactly these subscription topics');
  // A long restart delay: the test measures the lag while MirrorMaker is down after the kill.
  const mirror = await startMirrorMaker(join(mirrorDir, 'run'), config, { restartDelayMs: 15_000 });
  t.teardown(() => mirror.stop());

  const first = Array.from({ length: 5 }, () => fixtures.person());
  await push(first);
  const admin = new Kafka({ clientId: 'test-mirror-watch', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = await waitFor(() => admin.listTopics(), (names) => names.includes(request.mirroredTopic), 120_000);
  await admin.disconnect();
  t.ok(topics.includes(request.mirroredTopic), `MirrorMaker created ${request.mirroredTopic} in the city cluster`);
  const arrived = await consumeTopic(request.mirroredTopic, 5, { timeoutMs: 120_000, quietMs: 1000 });
  t.equal(arrived.length, 5, 'every record arrived in the city cluster');
  const expected = expectedDeliveries(first, subscription.id, ['id_number', 'name']);
  for (const message of arrived) t.ok(takeDelivery(expected, message.key, JSON.parse(message.value.toString('utf8'))), 'masked as the county catalogue says, only the approved fields');

  const pulled = await waitFor(pullAll, (page) => page.lines.length >= 5, 120_000);
  const expectedByHttp = expectedDeliveries(first, httpSubscription.id, ['id_number', 'sex']);
  t.equal(pulled.lines.length, 5, 'the http integrator pulls the five county records through the city gateway');
  for (const line of pulled.lines) t.ok(takeDelivery(expectedByHttp, line.key, line.record), 'masked by the county, only the fields approved for it');

  const lag = async () => {
    await city.app.inject({ url: `/api/v1/federation/requests/${forwarded.json().id}`, headers: bearer(integrator.key) });
    const metrics = (await city.app.inject({ url: '/metrics' })).body;
    return Number(new RegExp(`dx_federation_mirror_lag_records\\{peer="330110",request="${forwarded.json().id}"\\} (\\d+)`).exec(metrics)?.[1]);
  };
  t.equal(await lag(), 0, 'the cross-gateway lag is 0 once everything arrived');

  mirror.crash();
  const updated = { ...(first[0] as PersonRecord), name: '改名后' };
  const second = [...Array.from({ length: 3 }, () => fixtures.person()), updated];
  await push(second);
  t.equal(await waitFor(lag, (value) => value === 4, 10_000), 4, 'while MirrorMaker is down the lag counts the records not yet mirrored');
  const afterCrash = await consumeTopic(request.mirroredTopic, 9, { timeoutMs: 120_000, quietMs: 1000 });
  t.ok(mirror.restarts >= 1, 'the supervisor started MirrorMaker again');
  t.equal(await lag(), 0, 'and the lag is back to 0');
  const keys = new Set(afterCrash.map((message) => `${message.key}|${message.value.toString('utf8')}`));
  t.equal(keys.size, 9, 'nothing lost across the kill (a record copied twice counts once)');
  const original = first[0] as PersonRecord;
  const maskedKey = `${original.id_number.slice(0, 6)}${'*'.repeat(11)}${original.id_number.slice(17)}`;
  const names = afterCrash.filter((message) => message.key === maskedKey).map((message) => JSON.parse(message.value.toString('utf8')).name as string);
  const maskedOriginal = `${[...original.name][0]}${'*'.repeat([...original.name].length - 1)}`;
  t.ok(names.indexOf(maskedOriginal) >= 0 && names.indexOf(maskedOriginal) < names.lastIndexOf('改**'), `the later version of a key arrives after the earlier one (${names.join(', ')})`);

  const pulledAfterCrash = await waitFor(pullAll, (page) => page.lines.length >= 9, 120_000);
  t.equal(new Set(pulledAfterCrash.lines.map((line) => line.messageId)).size, 9, 'by http too nothing is lost across the kill');
  t.equal(pulledAfterCrash.lines.length, 9, 'and a record MirrorMaker copied twice is delivered once');

  t.equal((await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${httpSubscription.id}/revoke`, headers: bearer(provider.key), payload: { reason: '协议到期' } })).statusCode, 200);
  const revoked = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(provider.key), payload: { reason: '协议到期' } });
  t.equal(revoked.statusCode, 200);
  await push(Array.from({ length: 3 }, () => fixtures.person()));
  const afterRevoke = await consumeTopic(request.mirroredTopic, 12, { timeoutMs: 15_000, quietMs: 8000 });
  t.equal(new Set(afterRevoke.map((message) => `${message.key}|${message.value.toString('utf8')}`)).size, 9, 'nothing pushed after the revocation reaches the city');
  t.same((await mirrorConfig()).flows[0]?.topics, [], 'and the mirror plan drops the topic');
  await city.app.federation.tick();
  t.equal((await city.app.inject({ url: `/api/v1/federation/requests/${forwarded.json().id}`, headers: bearer(integrator.key) })).json().status, 'revoked', 'the city shows the revocation');
  t.equal((await pullAll()).status, 403, 'and the http integrator gets nothing more from the city');

  for (const gateway of [city, county]) t.equal((await gateway.app.inject({ url: '/api/v1/audit/verify', headers: bearer(gateway.adminKey) })).json().ok, true, 'each audit chain verifies');
});
