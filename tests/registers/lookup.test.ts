import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { expectedPseudonym, expectedRecord, PERSON_FIELDS } from '../subscriptions/world.ts';
import { ACCOUNTING, buildQueryWorld } from './query-world.ts';
import { registerEntries, waitFor } from './register-world.ts';

const toFullWidth = (text: string) => text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));

t.test('a lookup answers the current record under the projection, each field masked by its rule', async (t) => {
  const world = await buildQueryWorld(t, 3);
  const person = world.persons[0] as (typeof world.persons)[number];
  const answer = await world.query('lookup', { key: person.id_number, ...ACCOUNTING });
  t.equal(answer.statusCode, 200, JSON.stringify(answer.json));
  t.equal(answer.json.found, true);
  const record = answer.json.record as Record<string, unknown>;
  t.same(record, expectedRecord(person, world.subscription.id, PERSON_FIELDS), 'exactly the expected delivered record');

  t.test('none: delivered as it is', async (t) => t.equal(record.sex, person.sex));
  t.test('partial: the ID number keeps region and check character, the name its first character', async (t) => {
    t.equal(record.id_number, `${person.id_number.slice(0, 6)}***********${person.id_number.slice(17)}`);
    t.equal(answer.json.key, record.id_number, 'the key is masked as its field');
    t.equal(record.name, `${[...person.name][0]}${'*'.repeat([...person.name].length - 1)}`);
  });
  t.test('pseudonym: the keyed hash of the subscription', async (t) => {
    t.equal(record.ethnicity, person.ethnicity === null ? null : expectedPseudonym(world.subscription.id, person.ethnicity));
  });
  t.test('drop and not approved: never answered', async (t) => {
    t.notOk('residential_address' in record, 'dropped item');
    t.notOk('former_name' in record, 'item not granted');
  });
});

t.test('batch lookups keep the order, normalise keys, answer found: false alike for unknown and deleted keys, and name a malformed key', async (t) => {
  const world = await buildQueryWorld(t, 3);
  const [a, b, c] = world.persons as [(typeof world.persons)[number], (typeof world.persons)[number], (typeof world.persons)[number]];
  await world.app.kafka.producer.send({ topic: world.topic, acks: -1, messages: [{ key: c.id_number, value: null }] });
  await waitFor('the deletion', async () => !(await registerEntries(world.app, world.resource.id)).has(c.id_number));
  const unknown = '11010519491231002X';
  const fullWidth = toFullWidth(b.id_number).replace(/X$/, 'x');
  const answer = await world.query('lookup/batch', { keys: [a.id_number, fullWidth, c.id_number, unknown.toLowerCase()], ...ACCOUNTING });
  t.equal(answer.statusCode, 200, JSON.stringify(answer.json));
  t.same(answer.json.items.map((item: { found: boolean }) => item.found), [true, true, false, false]);
  t.same(Object.keys(answer.json.items[2]).sort(), Object.keys(answer.json.items[3]).sort(), 'a deleted key answers as one never there');
  t.equal(answer.json.items[1].record.name, expectedRecord(b, world.subscription.id, ['name']).name, 'the full-width key found its person');

  const malformed = await world.query('lookup/batch', { keys: [a.id_number, '110105194912310021'], ...ACCOUNTING });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json.details[0].path, 'keys[1]');
  t.match(malformed.json.message, /check character/);
  const tooMany = await world.query('lookup/batch', { keys: Array.from({ length: 101 }, () => a.id_number), ...ACCOUNTING });
  t.equal(tooMany.statusCode, 400);
  t.match(JSON.stringify(tooMany.json), /keys/);
});

t.test('verify answers match, mismatch or unknown per field, never a value; fields outside the projection only where the item is verifiable', async (t) => {
  const world = await buildQueryWorld(t, 1, { fields: ['id_number', 'name', 'sex'] });
  const person = world.persons[0] as (typeof world.persons)[number];
  const answer = await world.query('verify', { key: person.id_number, claims: { name: person.name, sex: person.sex === '1' ? '2' : '1' }, ...ACCOUNTING });
  t.equal(answer.statusCode, 200, JSON.stringify(answer.json));
  t.same(answer.json, { found: true, fields: { name: 'match', sex: 'mismatch' } });
  const unknown = await world.query('verify', { key: '11010519491231002X', claims: { name: person.name }, ...ACCOUNTING });
  t.same(unknown.json, { found: false, fields: { name: 'unknown' } });

  const outside = await world.query('verify', { key: person.id_number, claims: { birth_date: person.birth_date }, ...ACCOUNTING });
  t.equal(outside.statusCode, 400);
  t.equal(outside.json.details[0].path, 'claims.birth_date');
  const items = (world.resource.items as Record<string, unknown>[]).map((item) => (item.canonicalField === 'birth_date' ? { ...item, verifiable: true } : item));
  const { id, version, createdAt, updatedAt, createdBy, updatedBy, ...document } = world.resource;
  const updated = await world.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${id}`, headers: bearer(world.adminKey), payload: { ...document, items: items.map(({ description, ...item }) => (description === null ? item : { ...item, description })) } });
  t.equal(updated.statusCode, 200, updated.body);
  const verifiable = await world.query('verify', { key: person.id_number, claims: { birth_date: person.birth_date }, ...ACCOUNTING });
  t.same(verifiable.json, { found: true, fields: { birth_date: 'match' } }, 'a verifiable item is verified without being read');
});

t.test('a revoked or expired subscription is refused at once', async (t) => {
  const world = await buildQueryWorld(t, 1);
  const key = (world.persons[0] as (typeof world.persons)[number]).id_number;
  t.equal((await world.query('lookup', { key, ...ACCOUNTING })).statusCode, 200);
  const revoked = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${world.subscription.id}/revoke`, headers: bearer(world.provider.key), payload: { reason: '业务终止' } });
  t.equal(revoked.statusCode, 200, revoked.body);
  const refused = await world.query('lookup', { key, ...ACCOUNTING });
  t.equal(refused.statusCode, 403);
  t.equal(refused.json.code, 'DX_ERR_SUBSCRIPTION_INACTIVE');

  const second = await world.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(world.integrator.key), payload: { resourceId: world.resource.id, purpose: '核验', legalBasis: '依申请', fields: ['name'], delivery: { mode: 'query' } } });
  t.equal(second.statusCode, 201, second.body);
  await world.app.db.query("UPDATE subscriptions SET expires_at = now() - interval '1 second' WHERE id = $1", [second.json().id]);
  const expired = await world.query('lookup', { key, ...ACCOUNTING }, { subscriptionId: second.json().id });
  t.equal(expired.statusCode, 403);
  t.match(expired.json.details[0].message, /expired/);
});

t.test('a subscription of another delivery mode, or another integrator, cannot query', async (t) => {
  const world = await buildQueryWorld(t, 1);
  const key = (world.persons[0] as (typeof world.persons)[number]).id_number;
  t.equal((await world.query('lookup', { key, ...ACCOUNTING }, { key: world.otherIntegrator.key })).statusCode, 404);
  const http = await world.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(world.integrator.key), payload: { resourceId: world.resource.id, purpose: '核验', legalBasis: '依申请', fields: ['name'], delivery: { mode: 'http' } } });
  const refused = await world.query('lookup', { key, ...ACCOUNTING }, { subscriptionId: http.json().id });
  t.equal(refused.statusCode, 409);
  t.equal(refused.json.code, 'DX_ERR_SUBSCRIPTION_STATE');
});
