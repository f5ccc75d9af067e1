import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { auditEntries, openEventStream, pullConnectorWithSource, pushConnectorWithRejected, rawLog } from '../security/audit-helpers.ts';
import { buildWorld, ITEMS, subscribe } from '../subscriptions/world.ts';

const AVRO = (name: string, fields: string[]) => JSON.stringify({ type: 'record', name, fields: fields.map((field) => ({ name: field, type: ['null', 'string'], default: null })) });

t.test('schema registry writes are audited with the subject, the version and the level set', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const subject = `audit-test-${Date.now()}-value`;
  const registered = await app.inject({ method: 'POST', url: `/registry/subjects/${subject}/versions`, headers: bearer(adminKey), payload: { schema: AVRO('Audited', ['a']) } });
  t.equal(registered.statusCode, 200, registered.body);
  t.equal((await app.inject({ method: 'PUT', url: `/registry/config/${subject}`, headers: bearer(adminKey), payload: { compatibility: 'NONE' } })).statusCode, 200);
  t.equal((await app.inject({ method: 'PUT', url: '/registry/config', headers: bearer(adminKey), payload: { compatibility: 'BACKWARD' } })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: `/registry/config/${subject}`, headers: bearer(adminKey) })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: `/registry/subjects/${subject}`, headers: bearer(adminKey) })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: `/registry/subjects/${subject}/versions/1?permanent=true`, headers: bearer(adminKey) })).statusCode, 200);
  t.match((await auditEntries(app, adminKey, '&action=registry.')).map(({ action, objectType, objectId, details }) => ({ action, objectType, objectId, details })), [
    { action: 'registry.register', objectType: 'schema-subject', objectId: subject, details: { id: registered.json().id, version: 1, created: true, type: 'AVRO' } },
    { action: 'registry.compatibility.set', objectId: subject, details: { compatibility: 'NONE' } },
    { action: 'registry.compatibility.set', objectType: 'schema-registry', objectId: 'global', details: { compatibility: 'BACKWARD' } },
    { action: 'registry.compatibility.delete', objectId: subject, details: { previous: 'NONE' } },
    { action: 'registry.subject.delete', objectId: subject, details: { versions: [1], permanent: false } },
    { action: 'registry.version.delete', objectId: subject, details: { version: 1, permanent: true } },
  ]);
});

t.test("a connector test, which answers raw source rows, is audited with counts but no row", async (t) => {
  const testApp = await pullConnectorWithSource(t, 2, 1);
  const { department, source, connector } = testApp;
  const tested = await testApp.app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/test?limit=5`, headers: bearer(department.key) });
  t.equal(tested.statusCode, 200, tested.body);
  t.equal(tested.json().records.length, 3);
  t.match(await auditEntries(testApp.app, testApp.adminKey, '&action=connector.test'), [
    { principalId: department.id, objectType: 'connector', objectId: connector.id, details: { limit: 5, check: true, records: 3 } },
  ]);
  const raw = await rawLog(testApp.databaseUrl);
  for (const id of source.validIds) t.notOk(raw.includes(id), 'no source row is in the log');
});

t.test('reading and replaying rejected records are audited with the ids read, never the records', async (t) => {
  const { app, adminKey, department, connector, databaseUrl, bad } = await pushConnectorWithRejected(t);
  const read = await app.inject({ url: `/api/v1/connectors/${connector.id}/rejected`, headers: bearer(department.key) });
  t.equal(read.statusCode, 200, read.body);
  const ids = read.json().items.map((item: { id: number }) => item.id);
  t.equal(ids.length, 1);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/rejected/replay`, headers: bearer(department.key), payload: {} })).statusCode, 200);
  t.match(await auditEntries(app, adminKey, '&action=connector.rejected'), [
    { principalId: department.id, action: 'connector.rejected.read', objectId: connector.id, details: { status: 'open', after: 0, records: 1, ids } },
    { principalId: department.id, action: 'connector.rejected.replay', objectId: connector.id, details: { replayed: 1, ids } },
  ]);
  const raw = await rawLog(databaseUrl);
  for (const content of Object.values(bad)) t.notOk(raw.includes(content), 'no record content is in the log');
});

t.test('a catalogue update that loosens masking or sharing carries the old and new values', async (t) => {
  const world = await buildWorld(t);
  const created = (await auditEntries(world.app, world.adminKey, `&action=catalog.resource.create&objectId=${world.resource.id}`))[0];
  t.match(created?.details, { sharing: { from: null, to: { type: 'unconditional' } }, items: { 姓名: { from: null, to: { masking: 'partial', shareable: true } } }, topic: { from: null, to: world.topic } });
  const items = ITEMS.map((item) => (item.name === '姓名' ? { ...item, masking: 'none' } : item.name === '签发机关' ? { ...item, shareable: true } : item));
  const sharing = { type: 'conditional', condition: '仅限办理户籍相关业务', methods: ['database-table'] };
  const updated = await world.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${world.resource.id}`, headers: bearer(world.provider.key), payload: { ...world.resourceBody, items, sharing, version: world.resource.version } });
  t.equal(updated.statusCode, 200, updated.body);
  const [entry] = await auditEntries(world.app, world.adminKey, `&action=catalog.resource.update&objectId=${world.resource.id}`);
  t.same(entry?.details.changed, ['items', 'sharing']);
  t.same(entry?.details.items, {
    姓名: { from: { masking: 'partial', shareable: true }, to: { masking: 'none', shareable: true } },
    签发机关: { from: { masking: 'none', shareable: false }, to: { masking: 'none', shareable: true } },
  });
  t.same(entry?.details.sharing, { from: { type: 'unconditional', condition: null, methods: ['database-table', 'interface'] }, to: sharing });
  t.equal(entry?.details.topic, undefined, 'an unchanged topic is not repeated');
});

t.test('a server-sent event delivery is audited for the integrator, with the offsets it delivers', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  await world.push(world.people(2));
  const stream = await openEventStream(world.app, subscription.id, world.integrator.key);
  t.equal(stream.status, 200);
  await stream.readUntil(() => stream.records() >= 2, 20_000);
  await stream.close();
  t.equal(stream.records(), 2);
  const entries = await auditEntries(world.app, world.adminKey, `&action=subscription.deliver&objectId=${subscription.id}`);
  t.equal(entries.reduce((sum, entry) => sum + Number(entry.details.records), 0), 2);
  t.match(entries[0], { principalId: world.integrator.id, details: { mode: 'http', transport: 'sse', fromOffset: String, toOffset: String } });
});
