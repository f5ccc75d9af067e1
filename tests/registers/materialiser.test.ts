import t from 'tap';
import { IDENTITY_MAPPING } from '../subscriptions/world.ts';
import { registerEntries, buildRegisterWorld, waitFor } from './register-world.ts';

t.test('pushed records appear in the register within seconds, one entry per key with the record, provenance and position', async (t) => {
  const world = await buildRegisterWorld(t);
  const people = world.people(40);
  await world.push(people);
  await waitFor('40 entries', async () => (await registerEntries(world.app, world.resource.id)).size === 40, 20_000);
  const entries = await registerEntries(world.app, world.resource.id);
  for (const person of people) {
    const entry = entries.get(person.id_number);
    t.ok(entry, `entry of ${person.id_number.slice(0, 6)}…`);
    const mapped = Object.fromEntries(Object.keys(IDENTITY_MAPPING.fields).map((field) => [field, (person as unknown as Record<string, unknown>)[field] ?? null]));
    t.match(entry?.record, mapped, 'the canonical record as pushed');
    t.equal((entry?.source as unknown[])[0], world.connectorId, 'provenance names the connector');
  }
});

t.test('an update replaces the entry and a tombstone deletes it', async (t) => {
  const world = await buildRegisterWorld(t);
  const [first, second] = world.people(2) as unknown as [Record<string, any>, Record<string, any>];
  await world.push([first as never, second as never]);
  await waitFor('2 entries', async () => (await registerEntries(world.app, world.resource.id)).size === 2);
  await world.push([{ ...first, former_name: '王曾用' } as never]);
  await world.app.kafka.producer.send({ topic: world.topic, acks: -1, messages: [{ key: second.id_number, value: null }] });
  await waitFor('the update and the deletion', async () => {
    const entries = await registerEntries(world.app, world.resource.id);
    return entries.size === 1 && entries.get(first.id_number)?.record.former_name === '王曾用';
  });
  t.pass('the update replaced the record and the tombstone deleted the other');
});

t.test('an undecodable record is counted, logged with its position and skipped; the records after it are applied', async (t) => {
  const world = await buildRegisterWorld(t);
  const [before, after] = world.people(2) as unknown as [Record<string, any>, Record<string, any>];
  await world.push([before as never]);
  await waitFor('the first entry', async () => (await registerEntries(world.app, world.resource.id)).size === 1);
  const unknownSchema = Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3]);
  await world.app.kafka.producer.send({ topic: world.topic, acks: -1, messages: [{ key: 'corrupt-1', value: Buffer.from('not avro') }, { key: 'corrupt-2', value: unknownSchema }] });
  await world.push([after as never]);
  await waitFor('the entry after the corrupt records', async () => (await registerEntries(world.app, world.resource.id)).has(after.id_number));
  const { rows } = await world.app.db.query<{ undecodable: string }>('SELECT undecodable::text FROM registers WHERE resource_id = $1', [world.resource.id]);
  t.equal(rows[0]?.undecodable, '2', 'both counted once');
  t.notOk((await registerEntries(world.app, world.resource.id)).has('corrupt-1'));
  const metrics = await world.app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, new RegExp(`dx_register_undecodable_total\\{resource="${world.resource.id}"\\} 2`));
  t.match(metrics.body, /dx_register_lag_records\{resource="[^"]+"\} \d+/);
});
