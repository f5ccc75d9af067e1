import pg from 'pg';
import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { topicResourceBody } from '../helpers/resource.ts';
import { buildWorld, subscribe } from '../subscriptions/world.ts';
import { breakAuditAppends } from './audit-helpers.ts';

/** A change whose audit entry cannot be written is not made, and the caller is told so. */
const REFUSED = { code: 'DX_ERR_AUDIT_UNAVAILABLE' };

async function count(t: Parameters<typeof buildTestApp>[0], databaseUrl: string, sql: string, values: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  return (await client.query<{ n: number }>(sql, values)).rows[0]?.n ?? -1;
}

t.test('connector changes whose entry cannot be written are not made', async (t) => {
  const world = await buildWorld(t);
  const { app, provider, connectorId } = world;
  const headers = bearer(provider.key);
  const before = (await app.inject({ url: `/api/v1/connectors/${connectorId}`, headers })).json();
  await breakAuditAppends(t, world.databaseUrl);

  const created = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers, payload: { name: '第二个推送', type: 'http-push', schema: 'population.person', topic: world.topic, config: { maxRecordsPerRequest: 10 }, mapping: before.mapping } });
  t.equal(created.statusCode, 503, created.body);
  t.match(created.json(), REFUSED);
  t.equal((await app.inject({ url: '/api/v1/connectors', headers })).json().total, 1, 'no connector was registered');

  const updated = await app.inject({ method: 'PUT', url: `/api/v1/connectors/${connectorId}`, headers, payload: { name: '改了名的推送', config: before.config, mapping: before.mapping } });
  t.equal(updated.statusCode, 503, updated.body);
  t.match(updated.json(), REFUSED);
  const paused = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connectorId}/pause`, headers });
  t.equal(paused.statusCode, 503, paused.body);
  const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/connectors/${connectorId}`, headers });
  t.equal(deleted.statusCode, 503, deleted.body);
  t.match((await app.inject({ url: `/api/v1/connectors/${connectorId}`, headers })).json(), { name: before.name, state: 'active' }, 'the connector is as it was');
});

t.test('principal and key changes whose entry cannot be written are not made', async (t) => {
  const { app, adminKey, databaseUrl } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'GAJ', '公安局');
  const admin = bearer(adminKey);
  const keysBefore = (await app.inject({ url: `/api/v1/principals/${department.id}/keys`, headers: admin })).json().items;
  await breakAuditAppends(t, databaseUrl);

  const created = await app.inject({ method: 'POST', url: '/api/v1/principals', headers: admin, payload: { kind: 'integrator', name: '未记录的平台' } });
  t.equal(created.statusCode, 503, created.body);
  t.match(created.json(), REFUSED);
  t.equal(await count(t, databaseUrl, 'SELECT count(*)::int AS n FROM principals WHERE name = $1', ['未记录的平台']), 0, 'no principal was created');

  const issued = await app.inject({ method: 'POST', url: `/api/v1/principals/${department.id}/keys`, headers: admin, payload: { label: '未记录的钥匙' } });
  t.equal(issued.statusCode, 503, issued.body);
  t.notOk(issued.json().key, 'no key is answered');
  t.same((await app.inject({ url: `/api/v1/principals/${department.id}/keys`, headers: admin })).json().items, keysBefore, 'no key was issued');

  const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/principals/${department.id}/keys/${keysBefore[0].id}`, headers: admin });
  t.equal(revoked.statusCode, 503, revoked.body);
  const disabled = await app.inject({ method: 'POST', url: `/api/v1/principals/${department.id}/disable`, headers: admin });
  t.equal(disabled.statusCode, 503, disabled.body);
  t.match(disabled.json(), REFUSED);
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(department.key) })).statusCode, 200, 'the key still works: neither revoked nor its principal disabled');
});

t.test('subscription requests and revocations whose entry cannot be written are not made', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  const headers = bearer(world.integrator.key);
  await breakAuditAppends(t, world.databaseUrl);

  const requested = await world.app.inject({
    method: 'POST', url: '/api/v1/subscriptions', headers,
    payload: { resourceId: world.resource.id, purpose: '办理入学资格审核', legalBasis: '《义务教育法》第十二条', fields: ['id_number', 'name'], delivery: { mode: 'http' } },
  });
  t.equal(requested.statusCode, 503, requested.body);
  t.match(requested.json(), REFUSED);
  t.equal((await world.app.inject({ url: '/api/v1/subscriptions', headers })).json().total, 1, 'no subscription was created, nor granted');

  const revoked = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers, payload: { reason: '不再需要' } });
  t.equal(revoked.statusCode, 503, revoked.body);
  t.equal((await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers })).json().status, 'active', 'the subscription is still active');
});

t.test('a decision whose entry cannot be written leaves the request pending', async (t) => {
  const world = await buildWorld(t, { sharing: 'conditional' });
  const subscription = await subscribe(world);
  t.equal(subscription.status, 'pending');
  await breakAuditAppends(t, world.databaseUrl);
  const headers = bearer(world.provider.key);
  const approved = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/approve`, headers, payload: {} });
  t.equal(approved.statusCode, 503, approved.body);
  t.match(approved.json(), REFUSED);
  const rejected = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/reject`, headers, payload: { reason: '用途不符' } });
  t.equal(rejected.statusCode, 503, rejected.body);
  t.equal((await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers })).json().status, 'pending');
});

t.test('catalogue resources and publisher assignments whose entry cannot be written are not made', async (t) => {
  const world = await buildWorld(t);
  const admin = bearer(world.adminKey);
  await breakAuditAppends(t, world.databaseUrl);
  const body = topicResourceBody('MZJ', `dx.unaudited.${Date.now()}`);
  const created = await world.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: admin, payload: body });
  t.equal(created.statusCode, 503, created.body);
  t.match(created.json(), REFUSED);
  t.equal(await count(t, world.databaseUrl, 'SELECT count(*)::int AS n FROM catalog_resources WHERE code = $1', [body.code]), 0, 'no resource was catalogued');

  const assigned = await world.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${world.resource.id}/publishers/MZJ`, headers: admin });
  t.equal(assigned.statusCode, 503, assigned.body);
  t.same((await world.app.inject({ url: `/api/v1/catalog/resources/${world.resource.id}/publishers`, headers: admin })).json().items, [], 'no department was assigned');
});

t.test('schema registry writes whose entry cannot be written are not made', async (t) => {
  const { app, adminKey, databaseUrl } = await buildTestApp(t);
  const admin = bearer(adminKey);
  const subject = `unaudited-${Date.now()}-value`;
  const schema = JSON.stringify({ type: 'record', name: 'Unaudited', fields: [{ name: 'a', type: ['null', 'string'], default: null }] });
  t.equal((await app.inject({ method: 'POST', url: `/registry/subjects/${subject}-kept/versions`, headers: admin, payload: { schema } })).statusCode, 200);
  await breakAuditAppends(t, databaseUrl);

  const registered = await app.inject({ method: 'POST', url: `/registry/subjects/${subject}/versions`, headers: admin, payload: { schema } });
  t.equal(registered.statusCode, 503, registered.body);
  t.match(registered.json(), { error_code: Number, message: /audit log/ });
  t.equal((await app.inject({ url: `/registry/subjects/${subject}/versions`, headers: admin })).statusCode, 404, 'the subject was not created');

  t.equal((await app.inject({ method: 'PUT', url: `/registry/config/${subject}-kept`, headers: admin, payload: { compatibility: 'NONE' } })).statusCode, 503);
  t.equal((await app.inject({ method: 'DELETE', url: `/registry/subjects/${subject}-kept`, headers: admin })).statusCode, 503);
  t.same((await app.inject({ url: `/registry/subjects/${subject}-kept/versions`, headers: admin })).json(), [1], 'the subject is still there');
  t.equal((await app.inject({ url: `/registry/config/${subject}-kept`, headers: admin })).statusCode, 404, 'it has no level of its own');
});
