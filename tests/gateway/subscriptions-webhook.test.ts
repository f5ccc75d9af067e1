import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { buildWorld, expectedDeliveries, expectedRecord, PERSON_FIELDS, requestSubscription, subscribe, takeDelivery, type World } from '../subscriptions/world.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface TestContext {
  teardown(fn: () => unknown): void;
}

/** A webhook receiver on loopback that answers `failures` requests with 500 before it answers 204. */
async function startReceiver(t: TestContext): Promise<{ port: number; received: Received[]; attempts: () => number; failNext(count: number): void }> {
  const received: Received[] = [];
  let attempts = 0;
  let failures = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      attempts++;
      if (failures > 0) {
        failures--;
        response.writeHead(500).end('not now');
        return;
      }
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port, received, attempts: () => attempts, failNext: (count) => (failures = count) };
}

/** Name resolution the test controls: what the gateway's allow-list check sees. */
function resolverOf(table: Map<string, string[]>) {
  return async (host: string) => {
    const addresses = table.get(host);
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses;
  };
}

async function webhookWorld(t: TestContext, dns: Map<string, string[]>): Promise<World> {
  return buildWorld(t as never, {
    hostResolver: resolverOf(dns),
    env: { DX_ALLOWED_HOSTS: '127.0.0.0/8,*.city.internal', DX_WEBHOOK_BACKOFF_MS: '50' },
  });
}

/** The documented recipe: hex HMAC-SHA256 with the secret's text as key, over `t + "." + body`. */
function verify(secret: string, received: Received): boolean {
  const header = String(received.headers['x-dx-signature']);
  const timestamp = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const signature = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (timestamp === undefined || signature === undefined) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${received.body}`).digest('hex');
  return expected === signature && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

const records = (received: Received[]) => received.flatMap((request) => JSON.parse(request.body).records as Record<string, any>[]);
const status = async (world: World, id: string) => (await world.app.inject({ url: `/api/v1/subscriptions/${id}`, headers: bearer(world.integrator.key) })).json();

t.test('a webhook URL whose host is not on the allow-list, or resolves to a link-local or metadata address, is refused at registration', async (t) => {
  const dns = new Map([
    ['hooks.city.internal', ['127.0.0.1']],
    ['metadata.city.internal', ['169.254.169.254']],
    ['evil.example.org', ['10.9.9.9']],
  ]);
  const world = await webhookWorld(t, dns);
  for (const url of ['https://evil.example.org/hook', 'http://metadata.city.internal/latest/meta-data/', 'http://169.254.169.254/latest/meta-data/', 'http://100.100.100.200/']) {
    const response = await requestSubscription(world, { delivery: { mode: 'webhook', url } });
    t.equal(response.statusCode, 400, url);
    t.equal(response.json().code, 'DX_ERR_HOST_REFUSED', url);
  }
  t.match((await requestSubscription(world, { delivery: { mode: 'webhook', url: 'https://evil.example.org/hook' } })).json().message, /not on the allow-list/);
  t.match((await requestSubscription(world, { delivery: { mode: 'webhook', url: 'http://metadata.city.internal/' } })).json().message, /^metadata\.city\.internal:80 is refused: it is not on the allow-list, or it resolves to an address that may not be reached$/, 'a name is refused without saying what it resolves to');
  t.equal((await requestSubscription(world, { delivery: { mode: 'webhook', url: 'http://hooks.city.internal:9/dx' } })).statusCode, 201, 'an allowed host is accepted');
  t.equal((await world.app.inject({ url: '/api/v1/subscriptions', headers: bearer(world.integrator.key) })).json().total, 1, 'nothing was stored for the refused ones');
});

t.test('webhook batches are signed so the documented recipe verifies them, and carry only the approved fields, masked', async (t) => {
  const receiver = await startReceiver(t);
  const world = await webhookWorld(t, new Map([['hooks.city.internal', ['127.0.0.1']]]));
  const subscription = await subscribe(world, { delivery: { mode: 'webhook', url: `http://hooks.city.internal:${receiver.port}/dx` } });
  t.match(subscription.webhookSecret, /^whsec_/, 'the secret is in the creation answer');
  t.notOk('webhookSecret' in (await status(world, subscription.id)), 'and never again');
  const people = world.people(4);
  await world.push(people);
  await waitFor(async () => records(receiver.received).length, (count) => count >= 4, 30_000);
  t.equal(records(receiver.received).length, 4);
  for (const request of receiver.received) {
    t.ok(verify(subscription.webhookSecret, request), 'the signature verifies');
    t.notOk(verify(subscription.webhookSecret, { ...request, body: request.body.replace('"records"', '"Records"') }), 'a changed body does not');
    t.match(request.headers, { 'content-type': /^application\/json/, 'x-dx-subscription': subscription.id, 'x-dx-delivery': /^[0-9a-f]{32}$/ });
    t.match(JSON.parse(request.body), { subscriptionId: subscription.id, resourceId: world.resource.id, batchId: request.headers['x-dx-delivery'] });
  }
  const byAddress = new Map(people.map((person) => [expectedRecord(person, subscription.id, PERSON_FIELDS)['registered_address'], person]));
  for (const record of records(receiver.received)) t.same(record.record, expectedRecord(byAddress.get(record.record.registered_address)!, subscription.id, PERSON_FIELDS));
  const audit = await waitFor(async () => (await world.app.inject({ url: `/api/v1/audit?action=subscription.deliver&objectId=${subscription.id}`, headers: bearer(world.adminKey) })).json().items, (items) => items.length === receiver.received.length, 5000);
  t.match(audit[0].details, { mode: 'webhook', records: Number, batchId: /^[0-9a-f]{32}$/ });
});

t.test('a name that later resolves to a metadata address is refused at delivery time, and the batch is parked without reaching anyone', async (t) => {
  const receiver = await startReceiver(t);
  const dns = new Map([['moved.city.internal', ['127.0.0.1']]]);
  const world = await webhookWorld(t, dns);
  const subscription = await subscribe(world, { delivery: { mode: 'webhook', url: `http://moved.city.internal:${receiver.port}/dx`, maxAttempts: 2 } });
  dns.set('moved.city.internal', ['169.254.169.254']);
  await world.push(world.people(2));
  const parked = await waitFor(() => status(world, subscription.id), (body) => body.delivery.parked !== null, 30_000);
  t.match(parked.delivery.parked, { attempts: 2, records: Number, lastError: /host refused: .*moved\.city\.internal:\d+ is refused/ });
  t.notMatch(parked.delivery.parked.lastError, /169\.254/, 'the integrator is not told what the name resolves to');
  t.equal(receiver.attempts(), 0, 'no request left the gateway');
});

t.test('a receiver that fails every attempt gets the batch parked, and redelivery sends it once it recovers', async (t) => {
  const receiver = await startReceiver(t);
  const world = await webhookWorld(t, new Map([['hooks.city.internal', ['127.0.0.1']]]));
  const subscription = await subscribe(world, { delivery: { mode: 'webhook', url: `http://hooks.city.internal:${receiver.port}/dx`, maxAttempts: 3 } });
  receiver.failNext(3);
  await world.push(world.people(2));
  const parked = await waitFor(() => status(world, subscription.id), (body) => body.delivery.parked !== null, 30_000);
  t.match(parked.delivery.parked, { attempts: 3, lastError: 'the receiver answered HTTP 500' });
  t.equal(receiver.attempts(), 3, 'three attempts, then parked');
  t.equal(receiver.received.length, 0);
  await world.push(world.people(1));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal(receiver.attempts(), 3, 'delivery waits at the parked batch');

  const redeliver = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/redeliver`, headers: bearer(world.integrator.key) });
  t.equal(redeliver.statusCode, 200, redeliver.body);
  t.match(redeliver.json().redelivering, { partition: parked.delivery.parked.partition, fromOffset: parked.delivery.parked.fromOffset });
  await waitFor(async () => records(receiver.received).length, (count) => count >= 3, 30_000);
  t.equal(records(receiver.received).length, 3, 'the parked batch and what followed it');
  t.equal((await status(world, subscription.id)).delivery.parked, null);
  t.equal((await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/redeliver`, headers: bearer(world.integrator.key) })).statusCode, 409, 'nothing is parked any more');
  const audit = (await world.app.inject({ url: `/api/v1/audit?objectId=${subscription.id}&order=asc`, headers: bearer(world.adminKey) })).json().items.map((entry: { action: string }) => entry.action);
  t.ok(audit.indexOf('subscription.park') < audit.indexOf('subscription.redeliver'), 'parking and redelivery are audited in order');
});

t.test('a revoked webhook subscription receives nothing more', async (t) => {
  const receiver = await startReceiver(t);
  const world = await webhookWorld(t, new Map([['hooks.city.internal', ['127.0.0.1']]]));
  const subscription = await subscribe(world, { delivery: { mode: 'webhook', url: `http://hooks.city.internal:${receiver.port}/dx` } });
  await world.push(world.people(2));
  await waitFor(async () => records(receiver.received).length, (count) => count >= 2, 30_000);
  await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.integrator.key), payload: {} });
  const later = world.people(2);
  await world.push(later);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  // Delivery is at-least-once, so the records before the revocation may come twice; none after it may come at all.
  const after = expectedDeliveries(later, subscription.id, PERSON_FIELDS);
  const leaked = records(receiver.received).filter((delivered) => takeDelivery(after, delivered.key, delivered.record));
  t.same(leaked, [], 'no record pushed after the revocation reached the receiver');
});
