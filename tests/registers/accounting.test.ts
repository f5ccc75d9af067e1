import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { ACCOUNTING, buildQueryWorld } from './query-world.ts';

t.test('a query without purpose or operator is refused, naming the field', async (t) => {
  const world = await buildQueryWorld(t, 1);
  const key = (world.persons[0] as (typeof world.persons)[number]).id_number;
  const { purpose, ...withoutPurpose } = ACCOUNTING;
  const missing = await world.query('lookup', { key, ...withoutPurpose });
  t.equal(missing.statusCode, 400);
  t.match(JSON.stringify(missing.json), /purpose/);
  const { operator, ...withoutOperator } = ACCOUNTING;
  const noOperator = await world.query('verify', { key, claims: { name: 'x' }, ...withoutOperator });
  t.equal(noOperator.statusCode, 400);
  t.match(JSON.stringify(noOperator.json), /operator/);
  const { rows } = await world.app.db.query('SELECT 1 FROM register_lookups');
  t.equal(rows.length, 0, 'nothing recorded, nothing answered');
});

t.test('every entity looked up has its audit entry under a keyed hash, and the usage listing finds it for the office and the provider only', async (t) => {
  const world = await buildQueryWorld(t, 2);
  const [a, b] = world.persons as [(typeof world.persons)[number], (typeof world.persons)[number]];
  t.equal((await world.query('lookup/batch', { keys: [a.id_number, b.id_number, '11010519491231002X'], ...ACCOUNTING })).statusCode, 200);
  t.equal((await world.query('verify', { key: a.id_number, claims: { name: a.name }, purpose: '核验身份', operator: 'clerk-020' })).statusCode, 200);

  const audit = await world.app.inject({ method: 'GET', url: '/api/v1/audit?action=register.lookup&limit=100', headers: bearer(world.adminKey) });
  const entries = audit.json().items as { objectType: string; objectId: string; details: Record<string, unknown> }[];
  t.equal(entries.length, 4, 'one entry per entity and query');
  t.notMatch(JSON.stringify(entries), new RegExp(a.id_number), 'no key in clear in the audit log');
  t.ok(entries.every((entry) => entry.objectType === 'register-entity' && /^[0-9a-f]{64}$/.test(entry.objectId)));
  t.match(entries.find((entry) => entry.details.form === 'lookup')?.details, { operator: 'clerk-017', purpose: ACCOUNTING.purpose, caseNumber: ACCOUNTING.caseNumber, subscriptionId: world.subscription.id });

  const url = `/api/v1/catalog/resources/${world.resource.id}/register/usage?key=${a.id_number.toLowerCase()}`;
  for (const key of [world.adminKey, world.provider.key]) {
    const usage = await world.app.inject({ method: 'GET', url, headers: bearer(key) });
    t.equal(usage.statusCode, 200, usage.body);
    t.same(usage.json().items.map((item: { form: string; operator: string }) => [item.form, item.operator]), [['verify', 'clerk-020'], ['lookup', 'clerk-017']], 'who, how and why, newest first');
    t.equal(usage.json().items[1].integrator.id, world.integrator.id);
  }
  t.equal((await world.app.inject({ method: 'GET', url, headers: bearer(world.otherDepartment.key) })).statusCode, 404, 'another department does not see it');
  t.equal((await world.app.inject({ method: 'GET', url, headers: bearer(world.integrator.key) })).statusCode, 403, 'nor does an integrator');
  const register = await world.app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${world.resource.id}/register`, headers: bearer(world.adminKey) });
  t.equal(register.json().size, 2);
  t.equal(register.json().lookupsPerDay[0]?.lookups, 4, 'lookups per day');
});

t.test('a lookup whose audit entry cannot be written is refused and not answered', async (t) => {
  const world = await buildQueryWorld(t, 1);
  const key = (world.persons[0] as (typeof world.persons)[number]).id_number;
  await world.app.db.query(`CREATE FUNCTION refuse_lookup() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
  await world.app.db.query(`CREATE TRIGGER refuse_lookup BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'register.lookup') EXECUTE FUNCTION refuse_lookup()`);
  const answer = await world.query('lookup', { key, ...ACCOUNTING });
  t.equal(answer.statusCode, 503);
  t.equal(answer.json.code, 'DX_ERR_AUDIT_UNAVAILABLE');
  t.notOk('record' in answer.json);
  const { rows } = await world.app.db.query('SELECT 1 FROM register_lookups');
  t.equal(rows.length, 0);
});

t.test('more distinct entities an hour than queryLimits allow are refused with 429, and the provider and the office see the alert', async (t) => {
  const world = await buildQueryWorld(t, 4, { queryLimits: { distinctPerHour: 3 } });
  const keys = world.persons.map((person) => person.id_number);
  t.equal((await world.query('lookup/batch', { keys: keys.slice(0, 3), ...ACCOUNTING })).statusCode, 200);
  t.equal((await world.query('lookup', { key: keys[0], ...ACCOUNTING })).statusCode, 200, 'an entity looked up again is not a new one');
  const refused = await world.query('lookup', { key: keys[3], ...ACCOUNTING });
  t.equal(refused.statusCode, 429);
  t.equal(refused.json.code, 'DX_ERR_REGISTER_LOOKUPS_LIMITED');
  const { rows } = await world.app.db.query('SELECT count(*)::int AS n FROM register_lookups');
  t.equal(rows[0]?.n, 4, 'the refused query is not recorded as a lookup');

  for (const key of [world.provider.key, world.adminKey]) {
    const usage = await world.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${world.subscription.id}/query-usage`, headers: bearer(key) });
    t.equal(usage.statusCode, 200, usage.body);
    t.match(usage.json(), { distinctPerHour: 3, distinctThisHour: 3, alert: { distinctPerHour: 3, refused: 1 } });
  }
  const register = await world.app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${world.resource.id}/register`, headers: bearer(world.provider.key) });
  t.match(register.json().alerts, [{ subscriptionId: world.subscription.id, refused: 1 }]);
  const asIntegrator = await world.app.inject({ method: 'GET', url: `/api/v1/catalog/resources/${world.resource.id}/register`, headers: bearer(world.integrator.key) });
  t.same(asIntegrator.json().alerts, [], 'integrators do not see other subscriptions');
});
