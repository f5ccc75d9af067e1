import pg from 'pg';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { ACCOUNTING, buildQueryWorld } from './query-world.ts';
import { waitFor } from './register-world.ts';

t.test('a rebuild refills the register from the topic while lookups answer from the previous state', async (t) => {
  const world = await buildQueryWorld(t, 12);
  const person = world.persons[0] as (typeof world.persons)[number];
  const key = person.id_number;
  const url = `/api/v1/catalog/resources/${world.resource.id}/register`;
  const status = async () => (await world.app.inject({ method: 'GET', url, headers: bearer(world.adminKey) })).json();
  // The previous state differs from the topic, so that an answer shows which generation it came from.
  await world.app.db.query(`UPDATE register_entries SET record = jsonb_set(record, '{birth_date}', '"1900-01-01"') WHERE resource_id = $1 AND key = $2`, [world.resource.id, key]);
  t.equal((await world.app.inject({ method: 'POST', url: `${url}/rebuild`, headers: bearer(world.provider.key) })).statusCode, 403, 'the data office only');

  // Holds the rebuild before it catches up: its writes wait for this lock, reads do not.
  const holder = new pg.Client({ connectionString: world.databaseUrl });
  await holder.connect();
  t.teardown(() => holder.end());
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE register_entries IN SHARE MODE');
  const started = await world.app.inject({ method: 'POST', url: `${url}/rebuild`, headers: bearer(world.adminKey) });
  t.equal(started.statusCode, 202, started.body);
  t.same(started.json(), { generation: 2 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const during = await world.query('lookup', { key, ...ACCOUNTING });
  t.match(during.json, { found: true, record: { birth_date: '1900-01-01' } }, 'answered from the previous state during the rebuild');
  t.match(await status(), { generation: 1, rebuilding: true }, 'the rebuild had not caught up at that lookup');
  const again = await world.app.inject({ method: 'POST', url: `${url}/rebuild`, headers: bearer(world.adminKey) });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'DX_ERR_REGISTER_REBUILDING');
  await holder.query('COMMIT');

  await waitFor('the rebuilt generation', async () => {
    const register = await status();
    return register.generation === 2 && register.rebuilding === false;
  });
  const register = (await world.app.inject({ method: 'GET', url, headers: bearer(world.integrator.key) })).json();
  t.match(register, { size: 12, generation: 2, rebuilding: false, lag: { records: 0, seconds: 0 } });
  t.match((await world.query('lookup', { key, ...ACCOUNTING })).json, { found: true, record: { birth_date: person.birth_date } }, 'answered from the new generation, as the topic holds it');
  const { rows } = await world.app.db.query<{ generation: number }>('SELECT DISTINCT generation FROM register_entries WHERE resource_id = $1', [world.resource.id]);
  t.same(rows, [{ generation: 2 }], 'the old generation is gone');
  const audit = await world.app.inject({ method: 'GET', url: '/api/v1/audit?action=register.rebuild', headers: bearer(world.adminKey) });
  t.equal(audit.json().items.length, 1);
});

t.test('the register answers 409 for a resource without one', async (t) => {
  const world = await buildQueryWorld(t, 1);
  const other = await world.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(world.integrator.key), payload: { resourceId: world.resource.id, purpose: '核验', legalBasis: '依申请', fields: ['name'], delivery: { mode: 'query' } } });
  await world.app.db.query('DELETE FROM register_entries; DELETE FROM register_offsets; DELETE FROM registers');
  const refused = await world.query('lookup', { key: (world.persons[0] as (typeof world.persons)[number]).id_number, ...ACCOUNTING }, { subscriptionId: other.json().id });
  t.equal(refused.statusCode, 409);
  t.equal(refused.json.code, 'DX_ERR_REGISTER_NOT_ENABLED');
});
