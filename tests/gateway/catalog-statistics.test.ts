import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { buildCatalogApp, manualClock, searchCatalog } from '../catalog/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';

const TOPIC = 'dx.legal-person.organisation';
const HOUR = 3_600_000;
const MAPPING = { fields: { credit_code: '统一社会信用代码', name: '企业名称', legal_representative_name: '法定代表人', establishment_date: '成立日期' } };

function companies(count: number, seed: number): Record<string, unknown>[] {
  const fixtures = createFixtureGenerator({ seed });
  return Array.from({ length: count }, () => {
    const organisation = fixtures.organisation();
    return { 统一社会信用代码: organisation.credit_code, 企业名称: organisation.name, 法定代表人: organisation.legal_representative_name, 成立日期: organisation.establishment_date };
  });
}

/** The market regulator pushing 5 valid companies and 1 with a wrong check character to the legal-person topic. */
async function pushedCompanies(t: Parameters<typeof buildCatalogApp>[0], clock = manualClock()) {
  const testApp = await buildCatalogApp(t, { clock: clock.now });
  const { app, adminKey } = testApp;
  const department = await createDepartment(app, adminKey, 'SCJ', '市市场监督管理局');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(department.key),
    payload: { name: '企业登记推送', type: 'http-push', schema: 'legal-person.organisation', topic: TOPIC, config: { maxRecordsPerRequest: 100 }, mapping: MAPPING },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${created.json().id}`, headers: bearer(department.key), payload: [...companies(5, 11), { 统一社会信用代码: '91350100M000100Y44', 企业名称: '校验位错误的公司' }] });
  if (pushed.statusCode !== 202) throw new Error(pushed.body);
  // Now is after the push: the records' minute (the database's time) must not lie ahead of the injected clock,
  // which it did when the test crossed a minute between building the app and pushing.
  clock.set(new Date());
  const resource = (await searchCatalog(app, adminKey, `q=${encodeURIComponent('法人基础信息')}`)).items[0];
  return { ...testApp, department, connector: created.json(), resource, clock };
}

const get = async (app: FastifyInstance, key: string, url: string) => {
  const response = await app.inject({ url, headers: bearer(key) });
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json();
};

t.test('statistics count the records pushed through an http-push connector feeding the resource', async (t) => {
  const { app, adminKey, resource } = await pushedCompanies(t);
  const stats = await get(app, adminKey, `/api/v1/catalog/resources/${resource.id}/statistics`);
  t.match(stats, {
    connectors: 1,
    read: 6,
    published: 5,
    rejected: 1,
    last24h: { published: 5, rejected: 1 },
    lastRecordAt: String,
    schema: { subject: 'legal-person.organisation-value', version: 1, id: Number },
    freshness: { state: 'on-time', cycle: 'daily', basis: 'last-record', rule: /late after one cycle; stale after two/ },
  });
  const population = (await searchCatalog(app, adminKey, `q=${encodeURIComponent('人口基础信息')}`)).items[0];
  t.match(await get(app, adminKey, `/api/v1/catalog/resources/${population.id}/statistics`), { connectors: 0, published: 0, lastRecordAt: null, freshness: { basis: 'catalogued' } });
});

t.test('the throughput series puts the pushed records in their minute', async (t) => {
  const { app, adminKey, resource } = await pushedCompanies(t);
  const series = await get(app, adminKey, `/api/v1/catalog/resources/${resource.id}/throughput?bucket=minute`);
  t.equal(series.bucket, 'minute');
  t.ok(series.points.length >= 60);
  const total = series.points.reduce((sum: { published: number; rejected: number }, point: { published: number; rejected: number }) => ({ published: sum.published + point.published, rejected: sum.rejected + point.rejected }), { published: 0, rejected: 0 });
  t.same(total, { published: 5, rejected: 1 });
  const hourly = await get(app, adminKey, `/api/v1/catalog/resources/${resource.id}/throughput?bucket=hour`);
  t.equal(hourly.points.reduce((sum: number, point: { published: number }) => sum + point.published, 0), 5);
  const tooLong = await app.inject({ url: `/api/v1/catalog/resources/${resource.id}/throughput?bucket=minute&from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z`, headers: bearer(adminKey) });
  t.match(tooLong.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'from' }] });
});

t.test('lineage shows the push connector between its department and the topic, and no subscriptions yet', async (t) => {
  const { app, adminKey, resource, connector } = await pushedCompanies(t);
  const lineage = await get(app, adminKey, `/api/v1/catalog/resources/${resource.id}/lineage`);
  t.match(lineage, {
    topic: { id: `topic:${TOPIC}`, name: TOPIC, schemaSubject: 'legal-person.organisation-value' },
    sources: [{ id: `source:${connector.id}`, type: 'http-push', kind: 'push', location: null }],
    connectors: [{ id: `connector:${connector.id}`, connectorId: connector.id, name: '企业登记推送', departmentCode: 'SCJ', published: 5, rejected: 1, deadLetterTopic: `${TOPIC}.dlq` }],
    subscriptions: [],
  });
  t.same(lineage.edges, [{ from: `source:${connector.id}`, to: `connector:${connector.id}` }, { from: `connector:${connector.id}`, to: `topic:${TOPIC}` }]);
  const detail = await get(app, adminKey, `/api/v1/catalog/resources/${resource.id}`);
  t.same(detail.connectors, [{ id: connector.id, name: '企业登记推送', departmentCode: 'SCJ', type: 'http-push', state: 'active' }]);
});

t.test('a source address is shown to the data office and the connector department, not to other callers', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'GAJ', '市公安局');
  const other = await createDepartment(app, adminKey, 'WJW', '市卫生健康委员会');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(owner.key),
    payload: {
      name: '户籍库',
      type: 'sql-pull',
      schema: 'population.person',
      schedule: '0 0 1 1 *',
      config: { driver: 'postgres', host: '10.20.1.5', port: 5432, database: 'hukou', user: 'reader', password: 's3cret', table: 'rk_jbxx', cursorColumn: 'updated_at', keyColumn: 'id' },
      mapping: { fields: { id_number: 'sfzh', name: 'xm' } },
    },
  });
  t.equal(created.statusCode, 201, created.body);
  const population = (await searchCatalog(app, adminKey, `q=${encodeURIComponent('人口基础信息')}`)).items[0];
  const url = `/api/v1/catalog/resources/${population.id}/lineage`;
  for (const key of [adminKey, owner.key]) t.match((await get(app, key, url)).sources, [{ type: 'sql-pull', location: 'postgres://10.20.1.5:5432/hukou', object: 'rk_jbxx' }]);
  const seenByOther = await get(app, other.key, url);
  t.match(seenByOther.sources, [{ type: 'sql-pull', location: null, object: null }]);
  t.notMatch(JSON.stringify(await get(app, adminKey, url)), /s3cret|reader/, 'no credentials, whoever asks');
});

t.test('freshness flips from on time to late to stale as the injected clock moves past one and two days', async (t) => {
  const clock = manualClock();
  const { app, adminKey, resource } = await pushedCompanies(t, clock);
  const freshness = async () => (await get(app, adminKey, `/api/v1/catalog/resources/${resource.id}/statistics`)).freshness;
  const first = await freshness();
  t.equal(first.state, 'on-time');
  const lastRecord = Date.parse(first.since);
  const states: string[] = [];
  for (const hours of [23, 25, 47, 49]) {
    clock.set(new Date(lastRecord + hours * HOUR));
    states.push((await freshness()).state);
  }
  t.same(states, ['on-time', 'late', 'late', 'stale']);
  const stale = await searchCatalog(app, adminKey, 'freshness=stale&kind=base');
  t.ok(stale.items.some((item: { id: string }) => item.id === resource.id), 'the search filters by freshness as of the clock');
  t.equal(stale.items.find((item: { id: string }) => item.id === resource.id).freshness.state, 'stale');
});

t.test('a repeated search shows the freshness of the moment, not of the first time it was asked', async (t) => {
  const clock = manualClock();
  const { app, adminKey, resource } = await pushedCompanies(t, clock);
  const stateInSearch = async () => (await searchCatalog(app, adminKey, 'kind=base')).items.find((item: { id: string }) => item.id === resource.id).freshness.state;
  t.equal(await stateInSearch(), 'on-time');
  t.equal(await stateInSearch(), 'on-time', 'the same search again');
  clock.advance(25 * HOUR);
  t.equal(await stateInSearch(), 'late');
  clock.advance(24 * HOUR);
  t.equal(await stateInSearch(), 'stale');
});
