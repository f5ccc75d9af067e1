import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { buildDeliveryWorld, mirroredPerson } from './delivery-world.ts';

const world = await buildDeliveryWorld(t);
const { city } = world;

async function pull(key: string, requestId: string, cursor?: string) {
  const response = await city.app.inject({ url: `/api/v1/federation/requests/${requestId}/records${cursor ? `?cursor=${cursor}` : ''}`, headers: bearer(key) });
  const lines = response.statusCode === 200 ? response.body.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)) : [];
  return { response, lines, cursor: response.headers['dx-next-cursor'] as string | undefined };
}

t.test('an http request pulls the mirrored records as the owner masked them, a record MirrorMaker copied twice once, and nothing after the owner revoked', async (t) => {
  const integrator = await world.integrator('城市大脑');
  const created = await world.ask(integrator.key, { mode: 'http' });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { status: 'active', delivery: { mode: 'http', records: 0, topic: null }, mirroredTopic: /^330110\.dx\.sub\./ });
  const { id, mirroredTopic } = created.json();

  const people = [0, 1, 2].map((index) => mirroredPerson(index));
  await world.mirror(mirroredTopic, [...people, people[0] as (typeof people)[number]]);
  const first = await pull(integrator.key, id);
  t.equal(first.response.statusCode, 200, first.response.body);
  const ids = (lines: { messageId: string }[]) => lines.map((line) => line.messageId).sort();
  t.same(ids(first.lines), ids(people), 'each record once, the second copy dropped');
  for (const person of people) {
    const line = first.lines.find((candidate) => candidate.messageId === person.messageId);
    t.same(line && { key: line.key, record: line.record }, { key: person.key, record: person.record }, 'as the owner projected and masked it');
  }
  const again = await pull(integrator.key, id);
  t.same(ids(again.lines), ids(people), 'a re-read from the start delivers the same records, still once each');
  const next = await pull(integrator.key, id, first.cursor);
  t.equal(next.lines.length, 0, 'the cursor continues after them');
  const shown = (await city.app.inject({ url: `/api/v1/federation/requests/${id}`, headers: bearer(integrator.key) })).json();
  t.equal(shown.delivery.records, 6, 'both pages are counted');
  const audited = (await city.app.inject({ url: `/api/v1/audit?action=federation.request.deliver&objectId=${id}`, headers: bearer(city.adminKey) })).json();
  t.ok(audited.items.length >= 2, 'every page that delivered is audited');

  await world.revokeAtCounty(id);
  t.equal((await city.app.inject({ url: `/api/v1/federation/requests/${id}`, headers: bearer(integrator.key) })).json().status, 'revoked');
  await world.mirror(mirroredTopic, [mirroredPerson(7), mirroredPerson(8)]);
  const after = await pull(integrator.key, id, first.cursor);
  t.equal(after.response.statusCode, 403, 'a revoked request delivers nothing more');
  t.match(after.response.json(), { code: 'DX_ERR_SUBSCRIPTION_INACTIVE' });
  const fromStart = await pull(integrator.key, id);
  t.equal(fromStart.lines.length, 0, 'not even a re-read of what came before');
});

t.test('another integrator cannot read the records of a request, nor a request of another mode', async (t) => {
  const owner = await world.integrator('城市大脑二');
  const other = await world.integrator('别的应用');
  const created = (await world.ask(owner.key, { mode: 'http' })).json();
  t.equal((await pull(other.key, created.id)).response.statusCode, 404);
  const kafka = (await world.ask(owner.key)).json();
  t.equal(kafka.delivery.mode, 'kafka', 'a request without a delivery is kafka, as before');
  const wrongMode = await pull(owner.key, kafka.id);
  t.equal(wrongMode.response.statusCode, 409);
});

t.test('a bad delivery is refused with a 400 naming the field', async (t) => {
  const integrator = await world.integrator('校验');
  const cases: [Record<string, unknown>, string][] = [
    [{ mode: 'ftp' }, 'delivery.mode'],
    [{ mode: 'webhook' }, 'delivery.url'],
    [{ mode: 'http', url: 'http://127.0.0.1:9/hook' }, 'delivery.url'],
    [{ mode: 'http', maxAttempts: 3 }, 'delivery.maxAttempts'],
    [{ mode: 'webhook', url: 'http://user:secret@127.0.0.1:9/hook' }, 'delivery.url'],
    [{ mode: 'webhook', url: 'ftp://127.0.0.1/hook' }, 'delivery.url'],
    [{ mode: 'http', extra: true }, 'delivery.extra'],
  ];
  for (const [delivery, path] of cases) {
    const response = await world.ask(integrator.key, delivery);
    t.equal(response.statusCode, 400, `${JSON.stringify(delivery)}: ${response.body}`);
    t.ok(JSON.stringify(response.json().details ?? []).includes(path), `${JSON.stringify(delivery)} names ${path}`);
  }
  const refusedHost = await world.ask(integrator.key, { mode: 'webhook', url: 'http://10.1.2.3/hook' });
  t.equal(refusedHost.statusCode, 400, refusedHost.body);
  t.match(refusedHost.json(), { code: 'DX_ERR_HOST_REFUSED' }, 'a webhook host off the allow-list is refused as for a local subscription');
  const listed = (await city.app.inject({ url: '/api/v1/federation/requests', headers: bearer(integrator.key) })).json();
  t.equal(listed.items.length, 0, 'nothing refused was forwarded');
});
