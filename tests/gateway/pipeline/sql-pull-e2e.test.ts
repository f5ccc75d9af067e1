import t from 'tap';
import { decodeWire } from '../../../schemas/wire.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../../helpers/person-source.ts';
import { waitFor } from '../../helpers/dedicated-kafka.ts';
import type { FastifyInstance } from 'fastify';
import { provideTopic } from '../../helpers/resource.ts';

async function runAndWait(app: FastifyInstance, key: string, id: string): Promise<Record<string, any>> {
  const before = (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(key) })).json().lastRun?.id ?? 0;
  const run = await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/run`, headers: bearer(key) });
  if (run.statusCode !== 202) throw new Error(`run refused: ${run.body}`);
  const status = await waitFor(
    async () => (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(key) })).json(),
    (body) => body.lastRun !== null && body.lastRun.id > before && body.lastRun.status !== 'running',
    60_000,
  );
  return status;
}

t.test('a PostgreSQL table lands on its topic as decodable records, bad rows on the dead-letter path, and the counts add up', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_SCHEDULER_HEARTBEAT_MS: '200' } });
  const department = await createDepartment(app, adminKey, 'GAJ', '公安局');
  const source = await createPersonSourceTable(t, 120, 7);
  const topic = freshTopicName('person');
  await provideTopic(app, adminKey, 'GAJ', topic);

  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(department.key),
    payload: { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '0 0 1 1 *', config: source.connection, mapping: PERSON_MAPPING, options: { batchSize: 50 } },
  });
  t.equal(created.statusCode, 201, created.body);
  const connector = created.json();
  t.equal(connector.departmentCode, 'GAJ');
  t.equal(connector.deadLetterTopic, `${topic}.dlq`);

  const status = await runAndWait(app, department.key, connector.id);
  t.equal(status.lastRun.status, 'succeeded', status.lastRun.error ?? '');
  t.match(status.lastRun, { read: 127, published: 120, rejected: 7 });
  t.match(status.totals, { read: 127, published: 120, rejected: 7 });
  t.equal(status.lastRun.read, status.lastRun.published + status.lastRun.rejected, 'read = published + rejected');

  const published = await consumeTopic(topic, 120);
  t.equal(published.length, 120, 'every valid row is on the topic once');
  const registry = app.schemaRegistry;
  const decoded = await Promise.all(
    published.map(async (message) => {
      const { avroType } = (await registry.getById(message.value.readUInt32BE(1)))!;
      return decodeWire(message.value, () => avroType).value as Record<string, unknown>;
    }),
  );
  t.same(decoded.map((person) => person.id_number).sort(), [...source.validIds].sort(), 'the decoded records are the source rows');
  t.ok(published.every((message) => message.key === message.headers['dx-message-id'] || message.key.length === 18), 'records are keyed by ID number');
  t.equal(new Set(published.map((message) => message.headers['dx-message-id'])).size, 120, 'each record has its own message id');
  const provenance = published.map((message) => JSON.parse(message.headers['dx-source']!) as [string, string, unknown]);
  t.ok(provenance.every(([connectorId, partition, offset]) => connectorId === connector.id && partition.length > 0 && offset !== null), 'dx-source names connector, partition and offset');
  t.equal(new Set(provenance.map((source) => JSON.stringify(source))).size, 120, 'each record has its own source position');

  const dead = await consumeTopic(`${topic}.dlq`, 7);
  t.equal(dead.length, 7);
  const reasons = JSON.parse(dead[0]!.value.toString());
  t.match(reasons.errors[0], { path: 'id_number', rule: 'cn-id-number' });

  const rejected = await app.inject({ url: `/api/v1/connectors/${connector.id}/rejected`, headers: bearer(department.key) });
  t.equal(rejected.json().items.length, 7);
  const rawIds = rejected.json().items.map((item: { source: { sfzh: string } }) => item.source.sfzh);
  t.ok(rawIds.every((id: string) => dead.every((message) => !message.value.toString().includes(id))), 'no dead letter, reason or source, carries an ID number in full');
  t.match(rejected.json().items[0].errors[0], { path: 'id_number' });

  const again = await runAndWait(app, department.key, connector.id);
  t.match(again.lastRun, { status: 'succeeded', read: 0 }, 'a second run reads nothing new');
  t.ok(again.offsets[source.table], 'the committed offset is shown');
});

t.test('rejected records are replayed after the mapping is fixed', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_SCHEDULER_HEARTBEAT_MS: '200' } });
  const department = await createDepartment(app, adminKey, 'MZJ', '民政局');
  const source = await createPersonSourceTable(t, 10, 0, 11);
  const topic = freshTopicName('replay');
  await provideTopic(app, adminKey, 'MZJ', topic);
  const broken = { fields: { ...PERSON_MAPPING.fields, sex: { from: 'xb', codes: { 男: '1' } } } };
  const connector = (
    await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '婚姻库', type: 'sql-pull', schema: 'population.person', topic, schedule: '0 0 1 1 *', config: source.connection, mapping: broken } })
  ).json();
  const first = await runAndWait(app, department.key, connector.id);
  const women = first.lastRun.rejected;
  t.ok(women > 0, `${women} records with 女 were rejected by the incomplete code table`);

  const fixed = await app.inject({ method: 'PUT', url: `/api/v1/connectors/${connector.id}`, headers: bearer(department.key), payload: { name: '婚姻库', schedule: '0 0 1 1 *', config: connector.config, mapping: PERSON_MAPPING } });
  t.equal(fixed.statusCode, 200, fixed.body);
  const replay = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/rejected/replay`, headers: bearer(department.key), payload: {} });
  t.same(replay.json(), { replayed: women, published: women, rejected: 0 });
  const open = await app.inject({ url: `/api/v1/connectors/${connector.id}/rejected`, headers: bearer(department.key) });
  t.same(open.json().items, [], 'nothing is left in quarantine');
  t.equal((await consumeTopic(topic, 10)).length, 10, 'all ten residents are on the topic now');
});
