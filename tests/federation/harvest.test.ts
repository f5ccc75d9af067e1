import { randomUUID } from 'node:crypto';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { peerUp, shareWith, startGateway } from '../helpers/federation.ts';
import { topicResourceBody } from '../helpers/resource.ts';

const city = await startGateway(t, '330100', '杭州市平台');
const county = await startGateway(t, '330110', '余杭区平台');
const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);

async function catalogue(body: Record<string, unknown>): Promise<{ id: string; body: Record<string, unknown> }> {
  const response = await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: body });
  if (response.statusCode !== 201) throw new Error(`${response.statusCode} ${response.body}`);
  return { id: response.json().id, body };
}
const withField = (name: string) => ({ ...topicResourceBody('YHMZ', `dx.test.county.${randomUUID()}`, name), schemaSubject: 'population.person-value', items: [{ name: '姓名', canonicalField: 'name', dataType: 'string', sensitivity: 3, masking: 'partial', shareable: true }, { name: '签发机关', canonicalField: 'id_card_issuing_authority', dataType: 'string', sensitivity: 1, masking: 'none', shareable: false }] });
const marriage = await catalogue(withField('婚姻登记'));
const welfare = await catalogue(withField('低保对象'));
const secret = await catalogue({ ...withField('涉密名单'), sharing: { type: 'not-shared', condition: '涉及国家秘密', methods: [] } });
await catalogue(withField('未共享给市'));

const harvest = async (query = '') => city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest${query}`, headers: bearer(city.adminKey) });
const harvested = async (query = '') => (await city.app.inject({ url: `/api/v1/federation/resources${query}`, headers: bearer(city.adminKey) })).json();

t.test('a not-shared resource cannot be shared with a peer', async (t) => {
  const response = await county.app.inject({ method: 'PUT', url: `/api/v1/peers/${cityAtCounty}/shares/${secret.id}`, headers: bearer(county.adminKey) });
  t.equal(response.statusCode, 400);
  t.match(response.json(), { details: [{ path: 'resourceId' }] });
});

t.test('only the provider department (or the data office) chooses what is shared', async (t) => {
  const other = await createDepartment(county.app, county.adminKey, 'QTBM', '其他部门');
  const response = await county.app.inject({ method: 'PUT', url: `/api/v1/peers/${cityAtCounty}/shares/${marriage.id}`, headers: bearer(other.key) });
  t.equal(response.statusCode, 404);
});

t.test("the city harvests exactly what the county shares with it, with origin, badge and link to the original", async (t) => {
  await shareWith(county.app, county.adminKey, cityAtCounty, marriage.id);
  await shareWith(county.app, county.adminKey, cityAtCounty, welfare.id);
  const outcome = await harvest();
  t.equal(outcome.statusCode, 200, outcome.body);
  t.match(outcome.json(), { upserted: 2, deleted: 0 });
  const page = await harvested();
  t.equal(page.total, 2);
  t.same(page.facets.origin, [{ instanceId: '330110', name: '余杭区平台', count: 2 }]);
  const item = page.items.find((resource: { name: string }) => resource.name === '婚姻登记');
  t.match(item, { origin: { instanceId: '330110' }, badge: '来源：余杭区平台', readOnly: true, originalUrl: new RegExp(`${marriage.id}$`) });
  t.same(item.fields, [{ field: 'name', name: '姓名', masking: 'partial' }], 'only shareable items are requestable');
  t.ok(item.originalUrl.startsWith(county.url));
});

t.test('search filters by text and by origin', async (t) => {
  t.equal((await harvested('?q=低保')).total, 1);
  t.equal((await harvested('?origin=330199')).total, 0);
  t.same((await harvested('?origin=330199')).facets.origin, [{ instanceId: '330110', name: '余杭区平台', count: 2 }], 'the facet counts every origin');
});

t.test('a harvested resource is read-only here', async (t) => {
  const item = (await harvested()).items[0];
  for (const method of ['PUT', 'DELETE'] as const) {
    const response = await city.app.inject({ method, url: `/api/v1/federation/resources/${item.id}`, headers: bearer(city.adminKey), payload: {} });
    t.equal(response.statusCode, 409);
    t.match(response.json(), { code: 'DX_ERR_FEDERATION_READ_ONLY', details: [{ path: 'id' }] });
  }
});

t.test('the next harvest is incremental: a change at the owner is taken, nothing else', async (t) => {
  const again = await harvest();
  t.match(again.json(), { upserted: 0, deleted: 0 }, 'nothing changed');
  const current = (await county.app.inject({ url: `/api/v1/catalog/resources/${welfare.id}`, headers: bearer(county.adminKey) })).json();
  const changed = { ...welfare.body, summary: '最低生活保障对象名单（已更新）', version: current.version };
  const update = await county.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${welfare.id}`, headers: bearer(county.adminKey), payload: changed });
  t.equal(update.statusCode, 200, update.body);
  t.match((await harvest()).json(), { upserted: 1, deleted: 0 });
  t.equal((await harvested('?q=已更新')).total, 1);
});

t.test('the shared catalogue is paged with Hydra', async (t) => {
  const first = await city.app.federation.client.call(county.url, 'GET', '/federation/v1/catalog.jsonld?pageSize=1&page=1');
  const graph = (first.body as { '@graph': Record<string, unknown>[] })['@graph'];
  t.equal(graph.filter((node) => node['@type'] === 'dcat:Dataset').length, 1);
  const view = graph.find((node) => node['@type'] === 'hydra:PartialCollectionView') as Record<string, unknown>;
  t.match(view, { 'hydra:totalItems': 2, 'hydra:next': /page=2$/ });
  t.equal(((graph[0] as Record<string, unknown>)['dcat:dataset'] as string[]).length, 2, 'the catalog node lists every shared dataset');
});

t.test('unsharing, or making a resource not-shared, deletes it at the peer on its next harvest', async (t) => {
  const unshare = await county.app.inject({ method: 'DELETE', url: `/api/v1/peers/${cityAtCounty}/shares/${marriage.id}`, headers: bearer(county.adminKey) });
  t.equal(unshare.statusCode, 204);
  const current = (await county.app.inject({ url: `/api/v1/catalog/resources/${welfare.id}`, headers: bearer(county.adminKey) })).json();
  const closed = await county.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${welfare.id}`, headers: bearer(county.adminKey), payload: { ...welfare.body, sharing: { type: 'not-shared', condition: '暂停共享', methods: [] }, version: current.version } });
  t.equal(closed.statusCode, 200, closed.body);
  t.match((await harvest()).json(), { deleted: 2 });
  t.equal((await harvested()).total, 0);
  const direct = await city.app.federation.client.call(county.url, 'GET', '/federation/v1/catalog.jsonld');
  t.notMatch(JSON.stringify(direct.body), welfare.id, 'the not-shared resource never leaves the county');
});

t.test('each gateway audits its part and its chain verifies', async (t) => {
  for (const gateway of [city, county]) {
    const verify = (await gateway.app.inject({ url: '/api/v1/audit/verify', headers: bearer(gateway.adminKey) })).json();
    t.equal(verify.ok, true);
  }
  t.ok((await city.app.inject({ url: '/api/v1/audit?action=federation.harvest', headers: bearer(city.adminKey) })).json().items.length >= 3);
  t.equal((await county.app.inject({ url: '/api/v1/audit?action=federation.share.add', headers: bearer(county.adminKey) })).json().items.length, 2);
});
