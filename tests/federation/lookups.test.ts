import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import t from 'tap';
import { loadInstanceKey } from '../../gateway/federation/instance-key.ts';
import { signCall } from '../../gateway/federation/signature.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import type { PersonRecord } from '../../schemas/records.ts';
import { bearer } from '../helpers/app.ts';
import { createIntegrator } from '../helpers/department.ts';
import { countyPersonResource, peerUp, shareWith, startGateway } from '../helpers/federation.ts';
import { ACCOUNTING } from '../registers/query-world.ts';
import { registerEntries, waitFor } from '../registers/register-world.ts';
import { expectedRecord } from '../subscriptions/world.ts';

// The county's register of its person resource (code 330110/000001) is enabled as an operator would, by DX_REGISTER_RESOURCES.
const LIMIT = 5;
const county = await startGateway(t, '330110', '余杭区平台', { env: { DX_REGISTER_RESOURCES: '330110/000001', DX_REGISTER_LOOKUPS_PER_HOUR: String(LIMIT) } });
const city = await startGateway(t, '330100', '杭州市平台');
const province = await startGateway(t, '330000', '浙江省平台');
const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);
await peerUp(province, county);

const { provider, resource, connector } = await countyPersonResource(county, 'conditional');
await shareWith(county.app, provider.key, cityAtCounty, resource.id);
await county.app.kafka.ensureTopic(resource.topic);
await county.app.registers.runtime.refresh();
const fixtures = createFixtureGenerator({ seed: 2121 });
const people: PersonRecord[] = Array.from({ length: 3 }, () => fixtures.person());
for (let attempt = 1; ; attempt++) {
  const pushed = await county.app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(provider.key), payload: people });
  if (pushed.statusCode === 202) break;
  if (attempt >= 5 || pushed.statusCode !== 503) throw new Error(`push: ${pushed.statusCode} ${pushed.body}`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
await waitFor('the county register', async () => (await registerEntries(county.app, resource.id)).size === people.length, 60_000);

await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) });
const harvested = (await city.app.inject({ url: '/api/v1/federation/resources', headers: bearer(city.adminKey) })).json().items as { id: string; originalUrl: string }[];
const harvestedId = (harvested.find((item) => item.originalUrl.endsWith(resource.id)) as { id: string }).id;
const integrator = await createIntegrator(city.app, city.adminKey, '城市大脑');

const APPROVED = ['id_number', 'name', 'sex'];
async function activeQueryRequest(): Promise<{ id: string; remoteId: string; subscriptionId: string }> {
  const asked = await city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(integrator.key), payload: { harvestedId, purpose: '入学资格核验', legalBasis: '《义务教育法》第十二条', fields: ['id_number', 'name', 'sex', 'birth_date'], delivery: { mode: 'query' } } });
  if (asked.statusCode !== 201) throw new Error(`ask: ${asked.statusCode} ${asked.body}`);
  const subscriptions = (await county.app.inject({ url: `/api/v1/subscriptions?resourceId=${resource.id}`, headers: bearer(provider.key) })).json().items as { id: string; status: string; delivery: { mode: string } }[];
  const pending = subscriptions.find((item) => item.status === 'pending') as { id: string; delivery: { mode: string } };
  const approved = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${pending.id}/approve`, headers: bearer(provider.key), payload: { fields: APPROVED } });
  if (approved.statusCode !== 200) throw new Error(`approve: ${approved.statusCode} ${approved.body}`);
  const seen = (await city.app.inject({ url: `/api/v1/federation/requests/${asked.json().id}`, headers: bearer(integrator.key) })).json();
  if (seen.status !== 'active') throw new Error(`not active: ${JSON.stringify(seen)}`);
  return { id: asked.json().id, remoteId: seen.remoteId, subscriptionId: pending.id };
}
const request = await activeQueryRequest();
const [first, second, third] = people as [PersonRecord, PersonRecord, PersonRecord];

const ask = (path: string, body: Record<string, unknown>, key = integrator.key, id = request.id) =>
  city.app.inject({ method: 'POST', url: `/api/v1/federation/requests/${id}/${path}`, headers: bearer(key), payload: body });

/** A call to the county's federation route, signed by `instanceId` with `key`, for the city's integrator. */
async function signedAtCounty(path: string, body: unknown, key: KeyObject, instanceId: string) {
  const text = JSON.stringify(body);
  const url = `${county.url}${path}`;
  const headers = await signCall({ method: 'POST', url, body: text, instanceId, integrator: integrator.id }, key);
  const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: text });
  return { status: response.status, body: (await response.json()) as { code?: string } };
}

t.test('the request is a query subscription at the county, with no projected topic to mirror', async (t) => {
  const atCounty = (await county.app.inject({ url: `/api/v1/subscriptions/${request.subscriptionId}`, headers: bearer(provider.key) })).json();
  t.match(atCounty, { status: 'active', delivery: { mode: 'query' }, approvedFields: APPROVED });
  const seen = (await city.app.inject({ url: `/api/v1/federation/requests/${request.id}`, headers: bearer(integrator.key) })).json();
  t.match(seen, { delivery: { mode: 'query', topic: null }, topic: null, mirroredTopic: null });
  const cityPeer = await county.app.federation.peers.get(cityAtCounty);
  t.same(await county.app.federation.incoming.mirrorTopics(cityPeer as NonNullable<typeof cityPeer>), [], 'MirrorMaker is given nothing to copy');
});

t.test("a lookup answers the county's record, masked as the county's catalogue says, only the approved fields", async (t) => {
  const answer = await ask('lookup', { key: first.id_number.toLowerCase(), ...ACCOUNTING });
  t.equal(answer.statusCode, 200, answer.body);
  t.same(answer.json().record, expectedRecord(first, request.subscriptionId, APPROVED), 'exactly the approved fields, masked');
  t.equal(answer.json().key, `${first.id_number.slice(0, 6)}${'*'.repeat(11)}${first.id_number.slice(17)}`);

  const batch = await ask('lookup/batch', { keys: [third.id_number, '11010519491231002X', second.id_number], ...ACCOUNTING });
  t.equal(batch.statusCode, 200, batch.body);
  t.same(batch.json().items.map((item: { found: boolean }) => item.found), [true, false, true], 'in the order of the keys');
  t.same(batch.json().items[2].record, expectedRecord(second, request.subscriptionId, APPROVED));
});

t.test('verify answers match, mismatch and unknown; a field outside the request is refused by the county, naming it', async (t) => {
  const answer = await ask('verify', { key: first.id_number, claims: { name: first.name, sex: first.sex === '1' ? '2' : '1' }, ...ACCOUNTING });
  t.equal(answer.statusCode, 200, answer.body);
  t.same(answer.json(), { found: true, fields: { name: 'match', sex: 'mismatch' } });
  const unknown = await ask('verify', { key: '11010519491231002X', claims: { name: first.name }, ...ACCOUNTING });
  t.same(unknown.json(), { found: false, fields: { name: 'unknown' } });
  const outside = await ask('verify', { key: first.id_number, claims: { birth_date: first.birth_date }, ...ACCOUNTING });
  t.equal(outside.statusCode, 400, outside.body);
  t.match(outside.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'claims.birth_date' }] }, "the county's 400 passes through with its field");
});

t.test('bad input is a 400 naming the field: purpose missing here, a malformed key at the county', async (t) => {
  const { purpose, ...withoutPurpose } = ACCOUNTING;
  const missing = await ask('lookup', { key: first.id_number, ...withoutPurpose });
  t.equal(missing.statusCode, 400);
  t.match(missing.body, /purpose/);
  const malformed = await ask('lookup/batch', { keys: [first.id_number, '110105194912310021'], ...ACCOUNTING });
  t.equal(malformed.statusCode, 400, malformed.body);
  t.match(malformed.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'keys[1]' }] });
  const licences = await ask('licences', { holderCodeType: '111', holderCode: first.id_number, ...ACCOUNTING });
  t.equal(licences.statusCode, 400, licences.body);
  t.match(licences.json(), { details: [{ path: 'holderCode' }] }, 'holder search is for e-licence registers');
});

t.test("the county's usage listing shows the lookup with the city, its integrator and operator; the city audits its own", async (t) => {
  const usage = await county.app.inject({ url: `/api/v1/catalog/resources/${resource.id}/register/usage?key=${first.id_number}`, headers: bearer(provider.key) });
  t.equal(usage.statusCode, 200, usage.body);
  const items = usage.json().items as Record<string, any>[];
  t.ok(items.length >= 2, 'the lookup and the verification');
  for (const item of items) {
    t.match(item, { subscriptionId: request.subscriptionId, integrator: { name: 'peer-330100' }, operator: ACCOUNTING.operator, purpose: ACCOUNTING.purpose, caseNumber: ACCOUNTING.caseNumber, onBehalfOf: { instance: '330100', integrator: integrator.id } });
  }
  const audit = (await city.app.inject({ url: `/api/v1/audit?action=federation.lookup&principal=${integrator.id}&limit=100`, headers: bearer(city.adminKey) })).json().items as Record<string, any>[];
  t.ok(audit.length >= 5, `the city audited each entity (${audit.length})`);
  t.match(audit[0], { objectType: 'register-entity', objectId: /^[0-9a-f]{16,}/, details: { request: request.id, peer: '330110', operator: ACCOUNTING.operator, purpose: ACCOUNTING.purpose, caseNumber: ACCOUNTING.caseNumber } });
  t.notOk(JSON.stringify(audit).includes(first.id_number), 'never the clear key');
});

t.test("the county's hourly limit is answered back with its 429", async (t) => {
  const fresh = fixtures.person;
  const keys = Array.from({ length: LIMIT + 1 }, () => fresh().id_number);
  const limited = await ask('lookup/batch', { keys, ...ACCOUNTING });
  t.equal(limited.statusCode, 429, limited.body);
  t.match(limited.json(), { code: 'DX_ERR_REGISTER_LOOKUPS_LIMITED', details: [{ path: 'keys' }] });
});

t.test('only the integrator of the request queries it', async (t) => {
  const other = await createIntegrator(city.app, city.adminKey, '别的应用');
  t.equal((await ask('lookup', { key: first.id_number, ...ACCOUNTING }, other.key)).statusCode, 404);
});

t.test("a forged or unsigned call to the county's lookup route is refused with 401", async (t) => {
  const path = `/federation/v1/requests/${request.remoteId}/lookup`;
  const body = { key: first.id_number, ...ACCOUNTING };
  const forged = await signedAtCounty(path, body, generateKeyPairSync('ed25519').privateKey, '330100');
  t.equal(forged.status, 401);
  t.equal(forged.body.code, 'DX_ERR_FEDERATION_SIGNATURE');
  const unsigned = await fetch(`${county.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  t.equal(unsigned.status, 401);
  const cityKey = (await loadInstanceKey(city.app.db, city.app.secretBox)).privateKey;
  const genuine = await signedAtCounty(path, body, cityKey, '330100');
  t.equal(genuine.status, 200, 'the same call signed by the city is answered');
});

t.test("another peer using the city's request id is refused", async (t) => {
  const provinceKey = (await loadInstanceKey(province.app.db, province.app.secretBox)).privateKey;
  for (const id of [request.remoteId, request.id]) {
    const answer = await signedAtCounty(`/federation/v1/requests/${id}/lookup`, { key: first.id_number, ...ACCOUNTING }, provinceKey, '330000');
    t.equal(answer.status, 404, JSON.stringify(answer.body));
    t.equal(answer.body.code, 'DX_ERR_FEDERATION_REQUEST_NOT_FOUND');
  }
});

t.test('revoked at the county: the next query is refused at the city, and then at once', async (t) => {
  const revoked = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${request.subscriptionId}/revoke`, headers: bearer(provider.key), payload: { reason: '协议到期' } });
  t.equal(revoked.statusCode, 200, revoked.body);
  const refused = await ask('lookup', { key: first.id_number, ...ACCOUNTING });
  t.equal(refused.statusCode, 403, refused.body);
  t.equal(refused.json().code, 'DX_ERR_SUBSCRIPTION_INACTIVE');
  const seen = (await city.app.inject({ url: `/api/v1/federation/requests/${request.id}`, headers: bearer(integrator.key) })).json();
  t.equal(seen.status, 'revoked', "the city's copy followed the county's answer");
  // The county made unreachable: a refusal now can only come from the city's own copy of the request.
  await city.app.db.query("UPDATE federation_peers SET base_url = 'http://127.0.0.1:9' WHERE id = $1", [countyAtCity]);
  t.teardown(() => city.app.db.query('UPDATE federation_peers SET base_url = $2 WHERE id = $1', [countyAtCity, county.url]));
  const atOnce = await ask('lookup', { key: first.id_number, ...ACCOUNTING });
  t.equal(atOnce.statusCode, 403, atOnce.body);
  t.match(atOnce.json(), { code: 'DX_ERR_SUBSCRIPTION_INACTIVE', message: /revoked/ }, 'refused here, without a call to the county');
});

t.test('the county unreachable: 503 naming the peer, never 500', async (t) => {
  const second = await activeQueryRequest();
  await city.app.db.query("UPDATE federation_peers SET base_url = 'http://127.0.0.1:9' WHERE id = $1", [countyAtCity]);
  const answer = await ask('lookup', { key: first.id_number, ...ACCOUNTING }, integrator.key, second.id);
  t.equal(answer.statusCode, 503, answer.body);
  t.match(answer.json(), { code: 'DX_ERR_PEER_UNAVAILABLE' });
  t.equal(answer.headers['dx-peer'], '330110', 'the peer is named');
});

t.test('both audit chains verify', async (t) => {
  for (const gateway of [city, county]) t.equal((await gateway.app.inject({ url: '/api/v1/audit/verify', headers: bearer(gateway.adminKey) })).json().ok, true);
});
