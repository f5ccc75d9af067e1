import t from 'tap';
import { topicEnds } from '../../gateway/kafka/register-consumer.ts';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { buildWorld, IDENTITY_MAPPING, TEST_SUBSCRIPTION_SECRET } from '../subscriptions/world.ts';
import { registerEntries, waitFor } from './register-world.ts';

const BATCHES = 24;
const BATCH = 500;

t.test('a SIGKILL of the gateway mid-materialisation loses and duplicates nothing: the register equals the topic after a restart', async (t) => {
  const world = await buildWorld(t);
  // Only the gateway processes materialise; this instance pushes.
  await world.app.registers.runtime.stop();
  const env = {
    DATABASE_URL: world.databaseUrl,
    DX_ADMIN_TOKEN: world.adminKey,
    DX_SUBSCRIPTION_SECRET: TEST_SUBSCRIPTION_SECRET,
    DX_REGISTER_RESOURCES: world.resource.code as string,
    DX_SCHEDULER_HEARTBEAT_MS: '300',
  };
  const first = await startGatewayProcess(t, env);

  const expected = new Map<string, Record<string, unknown>>();
  const pushing = (async () => {
    for (let batch = 0; batch < BATCHES; batch++) {
      const people = world.people(BATCH) as unknown as Record<string, unknown>[];
      // Every batch also changes people of the one before: the register must hold the last version of each.
      const changed: Record<string, unknown>[] = [...expected.values()].slice(-50).map((person) => ({ ...person, former_name: `改名${batch}` }));
      const records = [...people, ...changed];
      await world.push(records as never);
      for (const record of records) expected.set(record.id_number as string, record);
    }
  })();

  await waitFor('the first process to materialise some records', async () => (await registerEntries(world.app, world.resource.id)).size >= 2 * BATCH, 120_000);
  await first.kill('SIGKILL');
  const atKill = (await registerEntries(world.app, world.resource.id)).size;
  await pushing;
  t.ok(atKill < expected.size, `killed mid-way (${atKill} of ${expected.size} entries)`);

  await startGatewayProcess(t, env);
  const ends = await topicEnds(world.app.kafka, world.topic);
  await waitFor('the register to reach the end of the topic', async () => {
    const { rows } = await world.app.db.query<{ partition: number; next: string }>('SELECT partition, next_offset::text AS next FROM register_offsets WHERE resource_id = $1', [world.resource.id]);
    return [...ends].every(([partition, { high }]) => high === 0n || rows.some((row) => row.partition === partition && BigInt(row.next) === high));
  }, 120_000);

  const entries = await registerEntries(world.app, world.resource.id);
  t.equal(entries.size, expected.size, 'one entry per key pushed');
  let wrong = 0;
  for (const [key, record] of expected) {
    const entry = entries.get(key);
    const mapped = Object.fromEntries(Object.keys(IDENTITY_MAPPING.fields).map((field) => [field, record[field] ?? null]));
    if (!entry || Object.entries(mapped).some(([field, value]) => entry.record[field] !== value)) wrong++;
  }
  t.equal(wrong, 0, 'every entry holds the last version pushed');
});
