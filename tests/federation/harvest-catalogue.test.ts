import { randomUUID } from 'node:crypto';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { peerUp, shareWith, startGateway } from '../helpers/federation.ts';
import { topicResourceBody } from '../helpers/resource.ts';

const city = await startGateway(t, '330100', '杭州市平台');
const county = await startGateway(t, '330110', '余杭区平台');
const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);

async function catalogue(gateway: typeof city, name: string, department: string): Promise<string> {
  const body = { ...topicResourceBody(department, `dx.test.catalogue.${randomUUID()}`, name), schemaSubject: 'population.person-value', items: [{ name: '姓名', canonicalField: 'name', dataType: 'string', sensitivity: 3, masking: 'partial', shareable: true }] };
  const response = await gateway.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(gateway.adminKey), payload: body });
  if (response.statusCode !== 201) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json().id as string;
}
const cityHousing = await catalogue(city, '住房保障对象', 'SZJ');
const marriage = await catalogue(county, '婚姻登记', 'YHMZ');
const welfare = await catalogue(county, '低保对象', 'YHMZ');
await catalogue(county, '未共享给市的名单', 'YHMZ');
await shareWith(county.app, county.adminKey, cityAtCounty, marriage);
await shareWith(county.app, county.adminKey, cityAtCounty, welfare);
const harvest = async () => {
  const response = await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
};
await harvest();

type Item = { id: string; name: string; origin: { instanceId: string; name: string; peerId: string; originalUrl: string } | null; readOnly: boolean };
const search = async (query = '') => {
  const response = await city.app.inject({ url: `/api/v1/catalog/resources${query}`, headers: bearer(city.adminKey) });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json() as { total: number; items: Item[]; facets: Record<string, { value: string; label: string; count: number }[]> };
};
/** The base resources every gateway catalogues at its first start, and the city's own resource. */
const LOCAL = ['人口基础信息', '法人基础信息', '电子证照', '住房保障对象'];
const HARVESTED = ['低保对象', '婚姻登记'];
const byName = new Intl.Collator('zh-CN').compare;
const names = (page: { items: Item[] }) => page.items.map((item) => item.name).sort();

t.test('the catalogue lists harvested resources beside local ones, with their origin; what the county did not share is absent', async (t) => {
  const page = await search();
  t.same(names(page), [...LOCAL, ...HARVESTED].sort());
  t.equal(page.total, 6);
  const harvested = page.items.find((item) => item.name === '婚姻登记') as Item;
  t.match(harvested, { readOnly: true, origin: { instanceId: '330110', name: '余杭区平台', peerId: countyAtCity, originalUrl: new RegExp(`^${county.url}.*${marriage}$`) } });
  t.match(page.items.find((item) => item.id === cityHousing), { origin: null, readOnly: false });
});

t.test('the origin facet (来源平台) counts local and each peer, and filters by them', async (t) => {
  t.same((await search()).facets.origin, [{ value: 'local', label: '本平台', count: 4 }, { value: '330110', label: '余杭区平台', count: 2 }]);
  t.same(names(await search('?origin=330110')), [...HARVESTED].sort());
  t.same(names(await search('?origin=local')), [...LOCAL].sort());
  t.equal((await search('?origin=local&origin=330110')).total, 6);
  t.equal((await search('?origin=330199')).total, 0);
  const bad = await city.app.inject({ url: '/api/v1/catalog/resources?origin=a%20b', headers: bearer(city.adminKey) });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { details: [{ path: /origin/ }] });
});

t.test('text search finds harvested resources; local-only filters leave them out', async (t) => {
  t.same(names(await search(`?q=${encodeURIComponent('低保')}`)), ['低保对象']);
  t.same(names(await search('?kind=department')), ['住房保障对象']);
  t.same(names(await search(`?kind=department&q=${encodeURIComponent('对象')}`)), ['住房保障对象']);
});

t.test('paging walks local and harvested resources in one name order, each once', async (t) => {
  const seen: string[] = [];
  for (let offset = 0; offset < 6; offset += 2) seen.push(...(await search(`?sort=name&limit=2&offset=${offset}`)).items.map((item) => item.name));
  t.same(seen, [...LOCAL, ...HARVESTED].sort(byName));
  t.same((await search('?sort=name&order=desc&limit=3')).items.map((item) => item.name), [...seen].reverse().slice(0, 3));
  t.same((await search('?sort=name&limit=2&offset=5')).items.map((item) => item.name), seen.slice(5));
});

t.test('a harvested resource answers read-only, with where to request it; changing it is refused naming why', async (t) => {
  const id = ((await search('?origin=330110')).items[0] as Item).id;
  const detail = await city.app.inject({ url: `/api/v1/catalog/resources/${id}`, headers: bearer(city.adminKey) });
  t.equal(detail.statusCode, 200);
  t.match(detail.json(), { readOnly: true, badge: '来源：余杭区平台', origin: { instanceId: '330110' }, request: { method: 'POST', href: '/api/v1/federation/requests', harvestedId: id } });
  const put = await city.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${id}`, headers: bearer(city.adminKey), payload: { ...topicResourceBody('SZJ', 'dx.test.x', '改名'), version: 1 } });
  t.equal(put.statusCode, 409);
  t.match(put.json(), { code: 'DX_ERR_FEDERATION_READ_ONLY', message: /余杭区平台.*read-only/, details: [{ path: 'id' }] });
  for (const method of ['PATCH', 'DELETE'] as const) {
    const refused = await city.app.inject({ method, url: `/api/v1/catalog/resources/${id}`, headers: bearer(city.adminKey), payload: {} });
    t.equal(refused.statusCode, 409, method);
    t.match(refused.json(), { code: 'DX_ERR_FEDERATION_READ_ONLY', details: [{ path: 'id' }] });
    const local = await city.app.inject({ method, url: `/api/v1/catalog/resources/${cityHousing}`, headers: bearer(city.adminKey), payload: {} });
    t.equal(local.statusCode, 405, `${method} of a local resource`);
    t.match(local.json(), { code: 'DX_ERR_CATALOG_METHOD_NOT_ALLOWED', details: [{ path: 'method' }] });
  }
  const local = await city.app.inject({ url: `/api/v1/catalog/resources/${cityHousing}`, headers: bearer(city.adminKey) });
  t.match(local.json(), { readOnly: false, origin: null });
});

t.test("the city's DCAT export does not re-export what it harvested", async (t) => {
  const exported = await city.app.inject({ url: '/api/v1/catalog/export.jsonld', headers: bearer(city.adminKey) });
  t.equal(exported.statusCode, 200);
  t.match(exported.body, '住房保障对象');
  t.notMatch(exported.body, '婚姻登记');
  t.notMatch(exported.body, marriage);
});

t.test('a deletion propagated by the harvest vanishes from the search', async (t) => {
  const unshare = await county.app.inject({ method: 'DELETE', url: `/api/v1/peers/${cityAtCounty}/shares/${marriage}`, headers: bearer(county.adminKey) });
  t.equal(unshare.statusCode, 204);
  await harvest();
  t.same(names(await search()), [...LOCAL, '低保对象'].sort());
  t.same((await search()).facets.origin, [{ value: 'local', label: '本平台', count: 4 }, { value: '330110', label: '余杭区平台', count: 1 }]);
});
