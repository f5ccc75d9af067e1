import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { manualClock } from '../catalog/helpers.ts';
import { buildWorld, PERSON_FIELDS, PROVIDER, requestSubscription, subscribe } from '../subscriptions/world.ts';

t.test('an unconditional resource is granted at once with the fields requested, and the request and grant are audited', async (t) => {
  const world = await buildWorld(t);
  const response = await requestSubscription(world, {});
  t.equal(response.statusCode, 201, response.body);
  const subscription = response.json();
  t.match(subscription, { status: 'active', sharingType: 'unconditional', approvedFields: PERSON_FIELDS, replyDue: null, overdue: false, resource: { id: world.resource.id, providerCode: PROVIDER }, integrator: { id: world.integrator.id } });
  t.ok(subscription.decision.at, 'the grant is dated');
  t.equal(subscription.decision.by, null, 'granted by the rules, not by a person');
  const audit = (await world.app.inject({ url: `/api/v1/audit?objectType=subscription&objectId=${subscription.id}&order=asc`, headers: bearer(world.adminKey) })).json();
  t.same(audit.items.map((entry: { action: string }) => entry.action), ['subscription.request', 'subscription.grant']);
  t.same(audit.items[0].details.fields, PERSON_FIELDS);
});

t.test('fields that are not shareable items of the resource are refused, each named', async (t) => {
  const world = await buildWorld(t);
  const response = await requestSubscription(world, { fields: ['id_number', 'photo', 'id_card_issuing_authority', 'residential_address'] });
  t.equal(response.statusCode, 400);
  const body = response.json();
  t.equal(body.code, 'DX_ERR_REQUEST_INVALID');
  t.same(body.details.map((detail: { path: string }) => detail.path), ['fields[1]', 'fields[2]', 'fields[3]']);
  t.match(body.details[0].message, /photo is not an item/);
  t.match(body.details[1].message, /not shareable/);
  t.match(body.details[2].message, /never delivered \(masking: drop\)/);
});

t.test('a not-shared resource cannot be requested, and the answer gives the legal basis', async (t) => {
  const world = await buildWorld(t, { sharing: 'not-shared' });
  const response = await requestSubscription(world, {});
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'DX_ERR_SUBSCRIPTION_NOT_SHARED');
  t.match(response.json().message, /is not shared: 《居民身份证法》第十九条/);
});

t.test('a conditional request waits for the provider with a reply date ten working days on, and is flagged overdue after it', async (t) => {
  // Friday 2026-02-06: nine working days to Saturday 02-14 (worked), then the Spring Festival (02-15 to 02-23), then 02-24 to 02-27.
  const clock = manualClock(new Date('2026-02-06T02:00:00Z'));
  const world = await buildWorld(t, { sharing: 'conditional', catalog: { clock: clock.now } });
  const subscription = await subscribe(world);
  t.match(subscription, { status: 'pending', approvedFields: null, decision: null, replyDue: '2026-02-27', overdue: false });
  clock.set(new Date('2026-02-27T15:00:00Z'));
  t.equal((await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers: bearer(world.provider.key) })).json().overdue, false, 'the due date itself is not overdue');
  clock.set(new Date('2026-02-27T16:30:00Z'));
  t.equal((await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers: bearer(world.provider.key) })).json().overdue, true, 'the next day in Shanghai is');
  const overdue = (await world.app.inject({ url: '/api/v1/subscriptions?overdue=true', headers: bearer(world.provider.key) })).json();
  t.same(overdue.items.map((item: { id: string }) => item.id), [subscription.id]);
  for (const status of ['pending', 'active', 'rejected', 'revoked', 'expired']) {
    const listed = await world.app.inject({ url: `/api/v1/subscriptions?status=${status}`, headers: bearer(world.provider.key) });
    t.equal(listed.statusCode, 200, `the provider lists its ${status} requests`);
    t.same(listed.json().items.map((item: { id: string }) => item.id), status === 'pending' ? [subscription.id] : [], status);
  }
});

t.test('the provider department approves a conditional request for fewer fields than requested', async (t) => {
  const world = await buildWorld(t, { sharing: 'conditional' });
  const subscription = await subscribe(world);
  const approve = (key: string, fields: string[]) => world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/approve`, headers: bearer(key), payload: { fields, note: '仅限核验身份' } });
  t.equal((await approve(world.otherDepartment.key, ['name'])).statusCode, 404, 'another department cannot see it');
  t.equal((await approve(world.adminKey, ['name'])).statusCode, 403, 'the data office does not decide for the provider');
  t.equal((await approve(world.integrator.key, ['name'])).statusCode, 403, 'nor does the integrator');
  const notRequested = await approve(world.provider.key, ['name', 'registered_division_code']);
  t.equal(notRequested.statusCode, 400);
  t.match(notRequested.json().details, [{ path: 'fields[1]', message: 'registered_division_code was not requested' }]);
  const approved = await approve(world.provider.key, ['id_number', 'name']);
  t.equal(approved.statusCode, 200, approved.body);
  t.match(approved.json(), { status: 'active', approvedFields: ['id_number', 'name'], requestedFields: PERSON_FIELDS, decision: { by: world.provider.id, reason: '仅限核验身份' } });
  t.equal((await approve(world.provider.key, ['name'])).statusCode, 409, 'a decided request is not decided again');
  const audit = (await world.app.inject({ url: `/api/v1/audit?action=subscription.approve&objectId=${subscription.id}`, headers: bearer(world.adminKey) })).json();
  t.match(audit.items[0], { principalId: world.provider.id, details: { fields: ['id_number', 'name'], withheld: ['sex', 'ethnicity', 'birth_date', 'registered_address'] } });
});

t.test('a rejection needs a reason, which the integrator sees', async (t) => {
  const world = await buildWorld(t, { sharing: 'conditional' });
  const subscription = await subscribe(world);
  const url = `/api/v1/subscriptions/${subscription.id}/reject`;
  t.equal((await world.app.inject({ method: 'POST', url, headers: bearer(world.provider.key), payload: {} })).statusCode, 400);
  const rejected = await world.app.inject({ method: 'POST', url, headers: bearer(world.provider.key), payload: { reason: '用途与共享条件不符' } });
  t.equal(rejected.statusCode, 200, rejected.body);
  const seen = (await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers: bearer(world.integrator.key) })).json();
  t.match(seen, { status: 'rejected', approvedFields: null, decision: { by: world.provider.id, reason: '用途与共享条件不符' } });
});

t.test('an integrator lists its own subscriptions, a department those to its resources, the data office all', async (t) => {
  const world = await buildWorld(t);
  const mine = await subscribe(world);
  const theirs = await subscribe(world, {}, world.otherIntegrator.key);
  const list = async (key: string) => (await world.app.inject({ url: '/api/v1/subscriptions', headers: bearer(key) })).json().items.map((item: { id: string }) => item.id).sort();
  t.same(await list(world.integrator.key), [mine.id]);
  t.same(await list(world.otherIntegrator.key), [theirs.id]);
  t.same(await list(world.provider.key), [mine.id, theirs.id].sort());
  t.same(await list(world.otherDepartment.key), []);
  t.same(await list(world.adminKey), [mine.id, theirs.id].sort());
  t.equal((await world.app.inject({ url: `/api/v1/subscriptions/${theirs.id}`, headers: bearer(world.integrator.key) })).statusCode, 404, "another integrator's subscription does not exist for it");
});

t.test('the integrator, the provider department and the data office may revoke; revoking twice is a conflict', async (t) => {
  const world = await buildWorld(t);
  for (const key of [world.integrator.key, world.provider.key, world.adminKey]) {
    const subscription = await subscribe(world);
    t.equal((await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.otherDepartment.key), payload: {} })).statusCode, 404);
    const revoked = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(key), payload: { reason: '业务结束' } });
    t.equal(revoked.statusCode, 200, revoked.body);
    t.match(revoked.json(), { status: 'revoked', revocation: { reason: '业务结束' } });
    t.equal((await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(key), payload: {} })).statusCode, 409);
  }
});

t.test("lineage shows a resource's subscriptions to the office and the provider, and to an integrator only its own", async (t) => {
  const world = await buildWorld(t);
  const mine = await subscribe(world);
  await subscribe(world, {}, world.otherIntegrator.key);
  const lineage = async (key: string) => (await world.app.inject({ url: `/api/v1/catalog/resources/${world.resource.id}/lineage`, headers: bearer(key) })).json().subscriptions;
  t.equal((await lineage(world.adminKey)).length, 2);
  t.equal((await lineage(world.provider.key)).length, 2);
  t.same(await lineage(world.otherDepartment.key), []);
  t.match(await lineage(world.integrator.key), [{ id: `subscription:${mine.id}`, subscriptionId: mine.id, consumer: '一网通办平台', state: 'active' }]);
});
