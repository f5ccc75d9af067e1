import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { verifyWebhook } from '../../gateway/subscriptions/signature.ts';
import { bearer } from '../helpers/app.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { buildDeliveryWorld, mirroredPerson } from './delivery-world.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver on loopback; answers 500 to the next `failNext` posts. */
async function startReceiver(): Promise<{ url: string; received: Received[]; failNext(count: number): void }> {
  const received: Received[] = [];
  let failures = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures--;
        response.writeHead(500).end();
        return;
      }
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, failNext: (count) => (failures = count) };
}

const world = await buildDeliveryWorld(t);
const { city } = world;
const records = (received: Received[]) => received.flatMap((post) => JSON.parse(post.body).records as { messageId: string; key: string; record: Record<string, unknown> }[]);
const show = async (key: string, id: string) => (await city.app.inject({ url: `/api/v1/federation/requests/${id}`, headers: bearer(key) })).json();

t.test('a webhook request gets the mirrored records posted and signed, a second copy once, and nothing produced after the owner revoked', async (t) => {
  const receiver = await startReceiver();
  const integrator = await world.integrator('城市大脑');
  const created = await world.ask(integrator.key, { mode: 'webhook', url: receiver.url });
  t.equal(created.statusCode, 201, created.body);
  const { id, mirroredTopic, webhookSecret } = created.json();
  t.match(created.json(), { status: 'active', delivery: { mode: 'webhook', url: receiver.url }, webhookSecret: String });

  const people = [0, 1, 2, 3].map((index) => mirroredPerson(index));
  await world.mirror(mirroredTopic, [...people, people[2] as (typeof people)[number]]);
  await waitFor(async () => records(receiver.received).length, (count) => count >= 4, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const posted = records(receiver.received);
  t.same(posted.map((record) => record.messageId).sort(), people.map((person) => person.messageId).sort(), 'every record once, the copy MirrorMaker made twice once');
  for (const person of people) t.same(posted.filter((record) => record.messageId === person.messageId).map((record) => record.record), [person.record], 'as the owner masked it');
  for (const post of receiver.received) {
    t.ok(verifyWebhook(webhookSecret, post.body, post.headers['x-dx-signature'] as string), 'signed with the secret handed over at the request');
    t.equal(post.headers['x-dx-subscription'], id, 'naming the request');
    t.match(JSON.parse(post.body), { requestId: id, origin: '330110', batchId: /^[0-9a-f]{32}$/ });
  }
  t.equal((await show(integrator.key, id)).delivery.records, 4, 'the delivered records are counted');

  await world.revokeAtCounty(id);
  t.equal((await show(integrator.key, id)).status, 'revoked');
  const before = receiver.received.length;
  await world.mirror(mirroredTopic, [mirroredPerson(7), mirroredPerson(8)]);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  t.equal(receiver.received.length, before, 'records that reached the mirrored topic after the revocation are never posted');
  t.equal((await show(integrator.key, id)).delivery.records, 4);
});

t.test('a batch that fails every attempt is parked, and redelivered on request', async (t) => {
  const receiver = await startReceiver();
  const integrator = await world.integrator('停靠');
  const created = (await world.ask(integrator.key, { mode: 'webhook', url: receiver.url, maxAttempts: 2 })).json();
  receiver.failNext(2);
  await world.mirror(created.mirroredTopic, [mirroredPerson(1)]);
  const parked = await waitFor(() => show(integrator.key, created.id), (request) => request.delivery.parked !== null, 30_000);
  t.match(parked.delivery.parked, { attempts: 2, records: 1 });
  t.equal(receiver.received.length, 0);
  const redeliver = await city.app.inject({ method: 'POST', url: `/api/v1/federation/requests/${created.id}/redeliver`, headers: bearer(integrator.key) });
  t.equal(redeliver.statusCode, 200, redeliver.body);
  await waitFor(async () => receiver.received.length, (count) => count >= 1, 30_000);
  t.equal(records(receiver.received).length, 1, 'the parked batch is posted again');
  const none = await city.app.inject({ method: 'POST', url: `/api/v1/federation/requests/${created.id}/redeliver`, headers: bearer(integrator.key) });
  t.equal(none.statusCode, 409, 'nothing is parked any more');
});
