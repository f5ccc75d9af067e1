import t from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { insertLegacyConnector, provideTopic, topicResourceBody } from '../helpers/resource.ts';

const PERSON_TOPIC = 'dx.population.person';
const PERSON_FIELDS = { fields: Object.fromEntries(['id_number', 'name', 'sex', 'birth_date'].map((field) => [field, field])) };

/** A gateway with the population bureau (GAJ, provider of the population base resource) and the market regulator (SCJ). */
async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t);
  const [police, market] = await Promise.all([createDepartment(testApp.app, testApp.adminKey, 'GAJ', '市公安局'), createDepartment(testApp.app, testApp.adminKey, 'SCJ', '市市场监督管理局')]);
  return { ...testApp, police, market };
}

const pushConnector = (topic: string, extra: Record<string, unknown> = {}) => ({ name: `推送${topic}`, type: 'http-push', schema: 'population.person', topic, config: {}, mapping: PERSON_FIELDS, ...extra });

t.test("a department cannot publish forged records onto another department's resource topic", async (t) => {
  const { app, adminKey, market } = await setup(t);
  const forged = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(market.key), payload: pushConnector(PERSON_TOPIC) });
  t.equal(forged.statusCode, 403);
  t.match(forged.json(), { code: 'DX_ERR_CONNECTOR_TOPIC_REFUSED', details: [{ path: 'topic', message: /provided by GAJ/ }] });
  const byDefault = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(market.key), payload: { ...pushConnector(PERSON_TOPIC), topic: undefined } });
  t.equal(byDefault.statusCode, 403, 'the default topic dx.<schema> is checked the same way');
  const forOffice = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(adminKey), payload: pushConnector(PERSON_TOPIC, { departmentCode: 'SCJ' }) });
  t.equal(forOffice.statusCode, 403, 'nor may the data office register such a connector for the department');
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(market.key), payload: pushConnector(freshTopicName('nobody')) });
  t.match(unknown.json(), { code: 'DX_ERR_CONNECTOR_TOPIC_REFUSED', details: [{ path: 'topic', message: /not the topic of any catalogue resource/ }] });
  const listed = (await app.inject({ url: '/api/v1/connectors', headers: bearer(adminKey) })).json();
  t.equal(listed.total, 0, 'no connector was stored');
});

t.test('no connector publishes onto a topic the gateway or Kafka keeps for itself, and none can be assigned to a resource', async (t) => {
  const { app, adminKey, police } = await setup(t);
  for (const topic of ['dx.connector-offsets', 'dx.sub.8f0e2a8c-4c55-4a8f-9d59-3c4c1f7f2b11', `${PERSON_TOPIC}.dlq`, '__consumer_offsets', '_schemas']) {
    const connector = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(police.key), payload: pushConnector(topic) });
    t.equal(connector.statusCode, 403, `connector onto ${topic}`);
    t.match(connector.json().details, [{ path: 'topic', message: /reserved/ }]);
    const resource = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: topicResourceBody('GAJ', topic) });
    t.equal(resource.statusCode, 400, `resource on ${topic}`);
    t.match(resource.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'topic', message: /reserved/ }] });
  }
});

t.test("a department cannot claim a topic through its own resource: only the data office assigns topics", async (t) => {
  const { app, adminKey, market } = await setup(t);
  const topic = freshTopicName('claim');
  const claimed = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(market.key), payload: { ...topicResourceBody('SCJ', topic), providerName: undefined } });
  t.equal(claimed.statusCode, 403);
  t.match(claimed.json(), { code: 'DX_ERR_AUTH_FORBIDDEN', details: [{ path: 'topic' }] });

  const own = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(market.key), payload: { ...topicResourceBody('SCJ', topic), topic: undefined } });
  t.equal(own.statusCode, 201, 'a department still catalogues its resources, without a topic');
  const body = { ...topicResourceBody('SCJ', topic), code: own.json().code };
  const moved = await app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${own.json().id}`, headers: bearer(market.key), payload: { ...body, topic: PERSON_TOPIC } });
  t.equal(moved.statusCode, 403, "nor give its resource the population bureau's topic by an update");
  const assigned = await app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${own.json().id}`, headers: bearer(adminKey), payload: body });
  t.equal(assigned.statusCode, 200, 'the data office assigns it');
  t.equal(assigned.json().topic, topic);
  const kept = await app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${own.json().id}`, headers: bearer(market.key), payload: { ...body, topic: undefined, name: '改名后的资源' } });
  t.equal(kept.statusCode, 200, 'an update by the department that leaves the topic out keeps it');
  t.equal(kept.json().topic, topic);
  const audit = (await app.inject({ url: `/api/v1/audit?objectId=${own.json().id}`, headers: bearer(adminKey) })).json().items;
  t.ok(audit.some((entry: { details: { changed?: string[] } }) => entry.details.changed?.includes('topic')), 'the assignment is audited');
});

t.test('the data office lets another department publish onto a resource, audited, and withdrawing it flags the connector', async (t) => {
  const { app, adminKey, market } = await setup(t);
  const resource = (await app.inject({ url: '/api/v1/catalog/resources?q=人口', headers: bearer(adminKey) })).json().items.find((item: { topic: string }) => item.topic === PERSON_TOPIC);
  const url = `/api/v1/catalog/resources/${resource.id}/publishers/SCJ`;
  t.equal((await app.inject({ method: 'PUT', url, headers: bearer(market.key) })).statusCode, 403, 'a department cannot assign itself');
  t.equal((await app.inject({ method: 'PUT', url })).statusCode, 401);
  t.equal((await app.inject({ method: 'PUT', url, headers: bearer(adminKey) })).statusCode, 204);
  const created = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(market.key), payload: pushConnector(PERSON_TOPIC) });
  t.equal(created.statusCode, 201, created.body);
  t.same(created.json().problems, []);

  t.equal((await app.inject({ method: 'DELETE', url, headers: bearer(adminKey) })).statusCode, 204);
  const status = (await app.inject({ url: `/api/v1/connectors/${created.json().id}/status`, headers: bearer(market.key) })).json();
  t.match(status.problems, [{ code: 'topic-not-provider', path: 'topic', message: /provided by GAJ/ }]);
  const flagged = (await app.inject({ url: '/api/v1/connectors?problem=topic', headers: bearer(adminKey) })).json();
  t.same(flagged.items.map((item: { id: string }) => item.id), [created.json().id], "the data office's list of connectors breaking the rule");
  const actions = (await app.inject({ url: `/api/v1/audit?objectId=${resource.id}&action=catalog.publisher`, headers: bearer(adminKey) })).json().items.map((entry: { action: string }) => entry.action);
  t.same(actions.sort(), ['catalog.publisher.assign', 'catalog.publisher.withdraw']);
});

t.test('a connector registered before the rule keeps publishing, and shows its problem to its department and the data office', async (t) => {
  const { app, adminKey, databaseUrl, market } = await setup(t);
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  const topic = freshTopicName('legacy');
  const id = await insertLegacyConnector(databaseUrl, 'SCJ', topic, PERSON_FIELDS);

  const people = Array.from({ length: 3 }, createFixtureGenerator({ seed: 3 }).person);
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${id}`, headers: bearer(market.key), payload: people });
  t.equal(pushed.statusCode, 202, 'it keeps running');
  t.equal((await consumeTopic(topic, 3)).length, 3);
  const own = (await app.inject({ url: `/api/v1/connectors/${id}`, headers: bearer(market.key) })).json();
  t.match(own.problems, [{ code: 'topic-no-resource', message: /not the topic of any catalogue resource/ }]);
  t.equal((await app.inject({ url: '/api/v1/connectors?problem=topic', headers: bearer(adminKey) })).json().total, 1);
  t.equal((await app.inject({ url: '/api/v1/connectors?problem=topic', headers: bearer(integrator.key) })).statusCode, 403);

  await provideTopic(app, adminKey, 'SCJ', topic);
  t.same((await app.inject({ url: `/api/v1/connectors/${id}`, headers: bearer(market.key) })).json().problems, [], 'the problem clears once the office catalogues the topic for it');
  t.equal((await app.inject({ url: '/api/v1/connectors?problem=topic', headers: bearer(adminKey) })).json().total, 0);
});
