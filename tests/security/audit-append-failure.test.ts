import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { consumeTopic } from '../helpers/consume.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { buildWorld, subscribe } from '../subscriptions/world.ts';
import { auditEntries, breakAuditAppends, openEventStream, pullConnectorWithSource, pushConnectorWithRejected } from './audit-helpers.ts';

/** Nothing of this may reach a caller while the entry that records it cannot be written. */
const REFUSED = { code: 'DX_ERR_AUDIT_UNAVAILABLE' };

t.test('a connector test whose entry cannot be written answers 503 and no source row', async (t) => {
  const testApp = await pullConnectorWithSource(t, 2, 0);
  const { department, source, connector } = testApp;
  await breakAuditAppends(t, testApp.databaseUrl);
  const tested = await testApp.app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/test`, headers: bearer(department.key) });
  t.equal(tested.statusCode, 503);
  t.match(tested.json(), REFUSED);
  for (const id of source.validIds) t.notOk(tested.body.includes(id), 'no source row is answered');
});

t.test('rejected records are not answered, nor replayed, while their entry cannot be written', async (t) => {
  const { app, databaseUrl, department, connector, bad } = await pushConnectorWithRejected(t);
  const appends = await breakAuditAppends(t, databaseUrl);
  const read = await app.inject({ url: `/api/v1/connectors/${connector.id}/rejected`, headers: bearer(department.key) });
  t.equal(read.statusCode, 503);
  t.match(read.json(), REFUSED);
  t.notOk(read.body.includes(bad.企业名称), 'no rejected record is answered');
  const replay = await app.inject({ method: 'POST', url: `/api/v1/connectors/${connector.id}/rejected/replay`, headers: bearer(department.key), payload: {} });
  t.equal(replay.statusCode, 503);
  await appends.restore();
  const open = await app.inject({ url: `/api/v1/connectors/${connector.id}/rejected?status=open`, headers: bearer(department.key) });
  t.equal(open.json().items.length, 1, 'the refused replay replayed nothing');
});

t.test('a push whose entry cannot be written answers 503, and its retry with the same key records it without publishing again', async (t) => {
  const { app, adminKey, databaseUrl, department, connector } = await pushConnectorWithRejected(t);
  const body = [{ 统一社会信用代码: '91350100M000100Y43', 企业名称: '重试的公司' }];
  const headers = { ...bearer(department.key), 'idempotency-key': 'audit-retry-1' };
  const appends = await breakAuditAppends(t, databaseUrl);
  const first = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers, payload: body });
  t.equal(first.statusCode, 503, 'the failed append is not swallowed');
  t.match(first.json(), { code: 'DX_ERR_AUDIT_PUSH_UNRECORDED' });
  await appends.restore();
  const retry = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers, payload: body });
  t.equal(retry.statusCode, 202);
  t.equal(retry.headers['idempotent-replayed'], 'true', 'the retry publishes nothing again');
  const again = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers, payload: body });
  t.equal(again.statusCode, 202);
  const pushes = (await auditEntries(app, adminKey, `&action=ingest.push&objectId=${connector.id}`)).filter((entry) => entry.details.requestId === 'audit-retry-1');
  t.equal(pushes.length, 1, 'the push is recorded once');
  t.match(pushes[0]?.details, { records: 1 });
});

t.test('a catalogue change whose entry cannot be written is not made', async (t) => {
  const world = await buildWorld(t);
  await breakAuditAppends(t, world.databaseUrl);
  const items = (world.resourceBody.items as { masking: string }[]).map((item) => ({ ...item, masking: 'none' }));
  const updated = await world.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${world.resource.id}`, headers: bearer(world.provider.key), payload: { ...world.resourceBody, items, version: world.resource.version } });
  t.equal(updated.statusCode, 503);
  const stored = (await world.app.inject({ url: `/api/v1/catalog/resources/${world.resource.id}`, headers: bearer(world.provider.key) })).json();
  t.equal(stored.version, world.resource.version);
  t.ok(stored.items.some((item: { masking: string }) => item.masking === 'partial'), 'the masking rules are unchanged');
});

t.test('a page of subscription records is not answered while its delivery cannot be audited', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  await world.push(world.people(2));
  await breakAuditAppends(t, world.databaseUrl);
  const page = await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}/records`, headers: bearer(world.integrator.key) });
  t.equal(page.statusCode, 503);
  t.match(page.json(), REFUSED);
});

t.test('an event stream ends without a record when its delivery cannot be audited', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  await world.push(world.people(2));
  await breakAuditAppends(t, world.databaseUrl);
  const stream = await openEventStream(world.app, subscription.id, world.integrator.key);
  t.equal(stream.status, 200);
  await stream.readUntil(() => /event: end/.test(stream.text()), 20_000);
  await stream.close();
  t.match(stream.text(), /event: end\ndata: \{"reason":"the delivery could not be audited; reconnect with Last-Event-ID"\}/);
  t.equal(stream.records(), 0, 'no record left the gateway');
});

t.test('a webhook receives nothing while its delivery cannot be audited, and the batch once it can', async (t) => {
  const received: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const world = await buildWorld(t, { env: { DX_WEBHOOK_BACKOFF_MS: '50' } });
  await subscribe(world, { delivery: { mode: 'webhook', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dx` } });
  const deliveries = await breakAuditAppends(t, world.databaseUrl, 'subscription.deliver');
  await world.push(world.people(2));
  await new Promise((resolve) => setTimeout(resolve, 6000));
  t.equal(received.length, 0, 'nothing was posted unaudited');
  await deliveries.restore();
  const delivered = () => received.map((body) => JSON.parse(body).records.length as number).reduce((a, b) => a + b, 0);
  await waitFor(async () => delivered(), (count) => count >= 2, 30_000);
  t.equal(delivered(), 2);
});

t.test('the kafka projector delivers nothing while its delivery cannot be audited, and the records once it can', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world, { delivery: { mode: 'kafka' } });
  const appends = await breakAuditAppends(t, world.databaseUrl, 'subscription.deliver');
  await world.push(world.people(3));
  t.equal((await consumeTopic(subscription.delivery.topic, 1, { timeoutMs: 6000, quietMs: 6000 })).length, 0, 'nothing reached the subscription topic unaudited');
  await appends.restore();
  t.equal((await consumeTopic(subscription.delivery.topic, 3, { timeoutMs: 30_000 })).length, 3);
});
