import t, { type Test } from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { departmentResource, createResource } from '../catalog/helpers.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';
// The catalogue's levels of the person fields: sex is 2, id_number 4, the other mapped ones 3.
import { ITEMS } from '../subscriptions/world.ts';
import { sql } from './support.ts';

async function setup(t: Test) {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const topic = freshTopicName('person');
  await createResource(testApp.app, testApp.adminKey, departmentResource(Math.floor(Math.random() * 900_000) + 1, { providerCode: 'GAJ', providerName: '公安局', topic, schemaSubject: 'population.person-value', items: ITEMS }));
  return { testApp, department, topic };
}

/** Residents with a wrong check character in their ID number, so rejected, with fields the mapping does not know. */
function rejectedResidents(count: number) {
  const fixtures = createFixtureGenerator({ seed: 23 });
  return Array.from({ length: count }, () => {
    const person = fixtures.invalid('id-number-check-character').record as Record<string, string>;
    const guardian = fixtures.person();
    return {
      sfzh: person.id_number as string,
      xm: fixtures.person().name,
      xb: '男',
      mz: '01',
      csrq: '19491231',
      hjdz: '北京市东城区景山前街4号',
      lxdh: '13912345678',
      jhrsfzh: guardian.id_number,
      bz: `监护人 ${guardian.id_number} 已核实`,
    };
  });
}

const fullIds = (record: Record<string, string>) => [record.sfzh as string, record.jhrsfzh as string];
const clearPersonal = (record: Record<string, string>) => [record.xm, record.hjdz, record.lxdh, '19491231', '已核实'] as string[];

t.test('dead letters of pushed records carry no full ID number and no unmapped or sensitive value; the owner reads them in full from the quarantine', async (t) => {
  const { testApp, department, topic } = await setup(t);
  const { app } = testApp;
  const created = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '人口推送', type: 'http-push', schema: 'population.person', topic, config: {}, mapping: PERSON_MAPPING } });
  t.equal(created.statusCode, 201, created.body);
  const connectorId = created.json().id as string;
  const records = rejectedResidents(3);
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(department.key), payload: records });
  t.match(pushed.json(), { accepted: 0, rejected: 3 });

  const dead = await consumeTopic(`${topic}.dlq`, 3);
  t.equal(dead.length, 3);
  const onTopic = dead.map((message) => `${message.value.toString()} ${JSON.stringify(message.headers)}`).join('\n');
  for (const record of records) {
    for (const id of fullIds(record)) t.notOk(onTopic.includes(id), 'no ID number in full on the dead-letter topic');
    for (const value of clearPersonal(record)) t.notOk(onTopic.includes(value), `no clear ${value}`);
  }
  const letter = JSON.parse(dead[0]!.value.toString());
  const first = records[0]!;
  t.match(letter, { connectorId, partition: 'push', offset: { index: 0 }, errors: [{ path: 'id_number', rule: 'cn-id-number' }] }, 'the letter names the source position and the reasons');
  t.same(letter.source, {
    sfzh: `${first.sfzh.slice(0, 6)}***********${first.sfzh.slice(-1)}`,
    xm: '***',
    xb: '男',
    mz: '***',
    csrq: '***',
    hjdz: '***',
    lxdh: '***',
    jhrsfzh: `${first.jhrsfzh.slice(0, 6)}***********${first.jhrsfzh.slice(-1)}`,
    bz: '***',
  }, 'ID numbers masked as the catalogue masks them, level 2 (sex) in clear, everything else redacted');

  const owner = await app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(department.key) });
  t.same(owner.json().items.map((item: { source: unknown }) => item.source), records, 'the owner reads the raw records in full');
  const office = await app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(testApp.adminKey) });
  t.equal(office.json().items.length, 3, 'so does the data office');
  const other = await createDepartment(app, testApp.adminKey, 'SCJ', '市场监管局');
  const integrator = await createIntegrator(app, testApp.adminKey, '一窗通办平台');
  const foreign = await app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(other.key) });
  t.equal(foreign.statusCode, 404, 'another department gets 404');
  const consumer = await app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(integrator.key) });
  t.ok([403, 404].includes(consumer.statusCode), `an integrator is refused (${consumer.statusCode})`);
  t.equal((await app.inject({ url: `/api/v1/connectors/${connectorId}/rejected` })).statusCode, 401, 'no key: 401');
  for (const answer of [foreign.body, consumer.body]) t.notOk(records.some((record) => answer.includes(record.sfzh)));

  const rows = await sql<{ source: string }>(testApp, 'SELECT source FROM rejected_records WHERE connector_id = $1', [connectorId]);
  t.equal(rows.length, 3);
  t.ok(rows.every((row) => /^dx1:/.test(row.source) && !records.some((record) => row.source.includes(record.sfzh))), 'the quarantine table holds the records sealed');
  t.notOk(records.some((record) => testApp.logs.join('').includes(record.sfzh)), 'the logs hold no ID number');

  const replay = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connectorId}/rejected/replay`, headers: bearer(department.key), payload: {} });
  t.match(replay.json(), { replayed: 3, published: 0, rejected: 3 }, 'replay reads the sealed records');
  t.equal((await app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(department.key) })).json().items.length, 3, 'still bad: quarantined again');
});

t.test('dead letters of a pulled table carry masked ID numbers and no names or addresses', async (t) => {
  const { testApp, department, topic } = await setup(t);
  const source = await createPersonSourceTable(t, 2, 3, 29);
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, config: source.connection, mapping: PERSON_MAPPING, schedule: '0 3 * * *' } });
  t.equal(created.statusCode, 201, created.body);
  const connectorId = created.json().id as string;
  await testApp.app.inject({ method: 'POST', url: `/api/v1/connectors/${connectorId}/run`, headers: bearer(department.key) });
  const status = await waitFor(async () => (await testApp.app.inject({ url: `/api/v1/connectors/${connectorId}/status`, headers: bearer(department.key) })).json(), (body) => body.lastRun && body.lastRun.status !== 'running', 60_000);
  t.match(status.lastRun, { status: 'succeeded', read: 5, rejected: 3 });
  const dead = await consumeTopic(`${topic}.dlq`, 3, { timeoutMs: 60_000 });
  t.equal(dead.length, 3);
  const raw = (await testApp.app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(department.key) })).json().items.map((item: { source: Record<string, string> }) => item.source);
  t.equal(raw.length, 3);
  const onTopic = dead.map((message) => message.value.toString()).join('\n');
  for (const row of raw) for (const field of ['sfzh', 'xm', 'hjdz', 'csrq']) t.notOk(onTopic.includes(row[field]), `no clear ${field} on the dead-letter topic`);
  t.match(JSON.parse(dead[0]!.value.toString()), { offset: { key: Number }, source: { xb: String, sfzh: /^\d{6}\*{11}[\dX]$/, xm: '***', updated_at: '***' } });
});
