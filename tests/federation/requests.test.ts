import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { peerUp, shareWith, startGateway } from '../helpers/federation.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { personResource } from '../subscriptions/world.ts';

const city = await startGateway(t, '330100', '杭州市平台');
const county = await startGateway(t, '330110', '余杭区平台');
const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);
const provider = await createDepartment(county.app, county.adminKey, 'YHGA', '余杭区公安分局');
const integrator = await createIntegrator(city.app, city.adminKey, '城市大脑');

async function countyResource(sharing: 'conditional' | 'unconditional'): Promise<string> {
  const body = { ...personResource(`330110/${Math.floor(Math.random() * 1e6)}`, freshTopicName('county'), sharing), providerCode: 'YHGA', providerName: '余杭区公安分局' };
  const created = await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: body });
  if (created.statusCode !== 201) throw new Error(created.body);
  await shareWith(county.app, provider.key, cityAtCounty, created.json().id);
  return created.json().id;
}
const conditional = await countyResource('conditional');
const unconditional = await countyResource('unconditional');
await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) });
const harvested = (await city.app.inject({ url: '/api/v1/federation/resources', headers: bearer(integrator.key) })).json().items as { id: string; originalUrl: string }[];
const harvestedOf = (resourceId: string) => (harvested.find((item) => item.originalUrl.endsWith(resourceId)) as { id: string }).id;

const ask = (harvestedId: string, fields: string[]) =>
  city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(integrator.key), payload: { harvestedId, purpose: '城市交通治理', legalBasis: '《杭州市公共数据管理办法》第二十条', fields } });

t.test('a field the owner does not offer is refused here, naming it', async (t) => {
  const response = await ask(harvestedOf(conditional), ['name', 'id_card_issuing_authority']);
  t.equal(response.statusCode, 400);
  t.match(response.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'fields[1]' }] });
});

t.test('only integrators request, and only their own requests are theirs', async (t) => {
  const department = await createDepartment(city.app, city.adminKey, 'CSJ', '市城管局');
  t.equal((await city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(department.key), payload: { harvestedId: harvestedOf(conditional), purpose: 'x', legalBasis: 'y', fields: ['name'] } })).statusCode, 403);
});

t.test('a conditional request is forwarded, decided by the county provider for fewer fields, and the decision flows back', async (t) => {
  const forwarded = await ask(harvestedOf(conditional), ['name', 'sex', 'birth_date']);
  t.equal(forwarded.statusCode, 201, forwarded.body);
  t.match(forwarded.json(), { status: 'pending', remoteId: String, replyDue: /^\d{4}-\d{2}-\d{2}$/, peer: { instanceId: '330110' } });

  const listed = await county.app.inject({ url: `/api/v1/subscriptions?resourceId=${conditional}`, headers: bearer(provider.key) });
  t.equal(listed.statusCode, 200, listed.body);
  const atCounty = listed.json().items;
  t.equal(atCounty.length, 1, 'the county provider sees the request among its own');
  t.match(atCounty[0], { purpose: '城市交通治理', requestedFields: ['name', 'sex', 'birth_date'], integrator: { name: 'peer-330100' } });
  const approved = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${atCounty[0].id}/approve`, headers: bearer(provider.key), payload: { fields: ['name', 'sex'] } });
  t.equal(approved.statusCode, 200, approved.body);

  const seen = (await city.app.inject({ url: `/api/v1/federation/requests/${forwarded.json().id}`, headers: bearer(integrator.key) })).json();
  t.match(seen, { status: 'active', approvedFields: ['name', 'sex'], topic: `dx.sub.${atCounty[0].id}`, mirroredTopic: `330110.dx.sub.${atCounty[0].id}` });

  const revoked = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${atCounty[0].id}/revoke`, headers: bearer(provider.key), payload: { reason: '协议到期' } });
  t.equal(revoked.statusCode, 200);
  await city.app.federation.tick();
  const after = (await city.app.inject({ url: `/api/v1/federation/requests/${forwarded.json().id}`, headers: bearer(integrator.key) })).json();
  t.match(after, { status: 'revoked', reason: '协议到期', topic: null });

  const cityAudit = (await city.app.inject({ url: `/api/v1/audit?objectId=${forwarded.json().id}`, headers: bearer(city.adminKey) })).json().items.map((entry: { action: string; details: { to?: string } }) => `${entry.action}${entry.details.to ? `:${entry.details.to}` : ''}`);
  t.same(cityAudit.sort(), ['federation.request.forward', 'federation.request.update:active', 'federation.request.update:pending', 'federation.request.update:revoked'].sort(), 'the city audits every step');
  const countyAudit = (await county.app.inject({ url: `/api/v1/audit?objectId=${atCounty[0].id}`, headers: bearer(county.adminKey) })).json().items.map((entry: { action: string }) => entry.action);
  t.same(countyAudit.sort(), ['subscription.approve', 'subscription.request', 'subscription.revoke'], 'the county audits every step');
});

t.test('an unconditional request is active at once, and the integrator can withdraw it', async (t) => {
  const forwarded = await ask(harvestedOf(unconditional), ['name']);
  t.equal(forwarded.statusCode, 201, forwarded.body);
  t.match(forwarded.json(), { status: 'active', approvedFields: ['name'], topic: /^dx\.sub\./ });
  const withdrawn = await city.app.inject({ method: 'POST', url: `/api/v1/federation/requests/${forwarded.json().id}/revoke`, headers: bearer(integrator.key), payload: { reason: '项目结束' } });
  t.equal(withdrawn.statusCode, 200, withdrawn.body);
  t.equal(withdrawn.json().status, 'revoked');
  const atCounty = (await county.app.inject({ url: `/api/v1/subscriptions?resourceId=${unconditional}`, headers: bearer(provider.key) })).json().items[0];
  t.equal(atCounty.status, 'revoked');
});

t.test('a request for a resource no longer shared is refused by the owner', async (t) => {
  const unshare = await county.app.inject({ method: 'DELETE', url: `/api/v1/peers/${cityAtCounty}/shares/${unconditional}`, headers: bearer(provider.key) });
  t.equal(unshare.statusCode, 204);
  const response = await ask(harvestedOf(unconditional), ['name']);
  t.equal(response.statusCode, 400);
  t.match(response.json(), { code: 'DX_ERR_PEER_REFUSED', details: [{ path: 'datasetIri' }] });
});

t.test('both audit chains verify', async (t) => {
  for (const gateway of [city, county]) t.equal((await gateway.app.inject({ url: '/api/v1/audit/verify', headers: bearer(gateway.adminKey) })).json().ok, true);
});
