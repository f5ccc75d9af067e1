import t from 'tap';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { provideTopic } from '../../helpers/resource.ts';

const ORGANISATION_MAPPING = { fields: { credit_code: '统一社会信用代码', name: '企业名称', legal_representative_name: '法定代表人', establishment_date: '成立日期', registered_capital: { from: '注册资本', decimal: true } } };

async function pushConnector(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'SCJ', '市场监管局');
  const topic = freshTopicName('org');
  await provideTopic(testApp.app, testApp.adminKey, 'SCJ', topic);
  const created = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(department.key),
    payload: { name: '企业登记推送', type: 'http-push', schema: 'legal-person.organisation', topic, config: { maxRecordsPerRequest: 100 }, mapping: ORGANISATION_MAPPING },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  return { ...testApp, department, topic, connector: created.json() };
}

function companies(count: number, seed: number): Record<string, unknown>[] {
  const fixtures = createFixtureGenerator({ seed });
  return Array.from({ length: count }, () => {
    const organisation = fixtures.organisation();
    return { 统一社会信用代码: organisation.credit_code, 企业名称: organisation.name, 法定代表人: organisation.legal_representative_name, 成立日期: organisation.establishment_date, 注册资本: '1,000' };
  });
}

t.test('pushed records are answered per record after Kafka acknowledged them, and land on the topic', async (t) => {
  const { app, department, topic, connector } = await pushConnector(t);
  const records = [...companies(5, 1), { 统一社会信用代码: '91350100M000100Y44', 企业名称: '校验位错误的公司' }];
  const response = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(department.key), payload: records });
  t.equal(response.statusCode, 202, response.body);
  const answer = response.json();
  t.match(answer, { accepted: 5, rejected: 1 });
  t.match(answer.results[5], { index: 5, status: 'rejected', errors: [{ path: 'credit_code', rule: 'cn-credit-code' }] });
  t.equal(answer.results[0].key, records[0]!['统一社会信用代码']);
  const onTopic = await consumeTopic(topic, 5);
  t.equal(onTopic.length, 5);
  t.equal((await consumeTopic(`${topic}.dlq`, 1)).length, 1);
});

t.test('NDJSON bodies are accepted and a broken line is named', async (t) => {
  const { app, department, connector } = await pushConnector(t);
  const body = companies(3, 2).map((record) => JSON.stringify(record)).join('\n');
  const ok = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'content-type': 'application/x-ndjson' }, payload: body });
  t.equal(ok.statusCode, 202, ok.body);
  t.equal(ok.json().accepted, 3);
  const broken = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'content-type': 'application/x-ndjson' }, payload: `${body}\n{not json` });
  t.equal(broken.statusCode, 400);
  t.match(broken.json().message, /line 4/);
});

t.test('a request retried with the same Idempotency-Key is answered again without publishing twice', async (t) => {
  const { app, department, topic, connector } = await pushConnector(t);
  const records = companies(4, 3);
  const headers = { ...bearer(department.key), 'idempotency-key': 'batch-2026-11-25-001' };
  const first = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers, payload: records });
  const second = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers, payload: records });
  t.equal(second.statusCode, 202);
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.same(second.json(), first.json());
  const other = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers, payload: companies(1, 4) });
  t.equal(other.statusCode, 409, 'the same key with another body is a conflict');
  t.equal((await consumeTopic(topic, 4, { quietMs: 1500 })).length, 4, 'the records are on the topic once');
  const status = (await app.inject({ url: `/api/v1/connectors/${connector.id}/status`, headers: bearer(department.key) })).json();
  t.match(status.totals, { read: 4, published: 4, rejected: 0 });
});

t.test('too many records in one request are refused before anything is published', async (t) => {
  const { app, department, connector } = await pushConnector(t);
  const response = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(department.key), payload: companies(101, 5) });
  t.equal(response.statusCode, 413);
  t.match(response.json().message, /At most 100/);
});

t.test('only the owning department may push: another department, an integrator and the data office are refused', async (t) => {
  const { app, adminKey, connector } = await pushConnector(t);
  const other = await createDepartment(app, adminKey, 'SWJ', '税务局');
  const payload = companies(1, 6);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(other.key), payload })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(adminKey), payload })).statusCode, 403);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, payload })).statusCode, 401);
});
