import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { waitFor } from '../helpers/dedicated-kafka.ts';
import { buildWorld, expectedDeliveries, expectedRecord, PERSON_FIELDS, subscribe, takeDelivery, type World } from '../subscriptions/world.ts';

interface Page {
  status: number;
  records: Record<string, any>[];
  cursor: string | undefined;
  body: string;
}

async function page(world: World, id: string, query = '', key = world.integrator.key): Promise<Page> {
  const response = await world.app.inject({ url: `/api/v1/subscriptions/${id}/records${query}`, headers: bearer(key) });
  const records = response.statusCode === 200 ? response.body.split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  return { status: response.statusCode, records, cursor: response.headers['dx-next-cursor'] as string | undefined, body: response.body };
}

/** Pulls pages from `cursor` until `count` records came or `timeoutMs` passed. */
async function pullAll(world: World, id: string, count: number, timeoutMs = 20_000): Promise<{ records: Record<string, any>[]; cursor: string | undefined }> {
  const records: Record<string, any>[] = [];
  let cursor: string | undefined;
  await waitFor(
    async () => {
      const next = await page(world, id, `?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      records.push(...next.records);
      cursor = next.cursor;
      return records.length;
    },
    (seen) => seen >= count,
    timeoutMs,
  );
  return { records, cursor };
}

t.test('http pages carry only the approved fields, masked, keyed by the masked key, and continue from their cursor', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  const people = world.people(5);
  await world.push(people);
  const first = await pullAll(world, subscription.id, 5);
  t.equal(first.records.length, 5);
  const expected = expectedDeliveries(people, subscription.id, PERSON_FIELDS);
  for (const delivered of first.records) {
    t.ok(takeDelivery(expected, delivered.key, delivered.record), `key ${delivered.key} and its record are a pushed person's, masked`);
    t.match(delivered, { messageId: /^[0-9a-f]{32}$/, partition: Number, offset: /^\d+$/ });
  }
  t.same(expected, [], 'every pushed person was delivered once');
  t.notMatch(JSON.stringify(first.records), new RegExp(people.map((person) => person.id_number).join('|')), 'no ID number leaves in clear');

  const empty = await page(world, subscription.id, `?cursor=${first.cursor}`);
  t.equal(empty.records.length, 0, 'nothing new after the last cursor');
  const more = world.people(3);
  await world.push(more);
  t.equal((await page(world, subscription.id, '?limit=50')).records.length, 8, 'a pull without a cursor starts from the first record');
  const resumed = await waitFor(() => page(world, subscription.id, `?cursor=${first.cursor}`), (next) => next.records.length >= 3, 10_000);
  t.equal(resumed.records.length, 3, 'the cursor continues after the first five');
  const audit = (await world.app.inject({ url: `/api/v1/audit?action=subscription.deliver&objectId=${subscription.id}`, headers: bearer(world.adminKey) })).json();
  t.ok(audit.items.length >= 2, 'every page with records is audited');
  t.match(audit.items.at(-1), { principalId: world.integrator.id, details: { mode: 'http', records: Number, from: Object, to: Object } });
  t.notMatch(JSON.stringify(audit.items), /"record"|"name"/, 'the audit log holds counts and offsets, never contents');
});

t.test('a bad cursor is refused and a page larger than the cap is refused', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  const bad = await page(world, subscription.id, '?cursor=not-a-cursor');
  t.equal(bad.status, 400);
  t.match(JSON.parse(bad.body).details, [{ path: 'cursor' }]);
  t.equal((await page(world, subscription.id, '?limit=1001')).status, 400);
});

t.test('a revoked subscription is answered 403 at once, and another integrator gets 404', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  await world.push(world.people(2));
  t.equal((await pullAll(world, subscription.id, 2)).records.length, 2);
  t.equal((await page(world, subscription.id, '', world.otherIntegrator.key)).status, 404);
  await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.provider.key), payload: { reason: '停止共享' } });
  const revoked = await page(world, subscription.id);
  t.equal(revoked.status, 403);
  t.equal(JSON.parse(revoked.body).code, 'DX_ERR_SUBSCRIPTION_INACTIVE');
  t.match(JSON.parse(revoked.body).details, [{ message: 'the subscription is revoked' }]);
});

t.test('a subscription past its expiry gets nothing more', async (t) => {
  const world = await buildWorld(t);
  // Long enough for the push and the first page on a loaded machine; then it must stop.
  const subscription = await subscribe(world, { expiresAt: new Date(Date.now() + 8000).toISOString() });
  await world.push(world.people(1));
  t.equal((await pullAll(world, subscription.id, 1)).records.length, 1);
  const expired = await waitFor(() => page(world, subscription.id), (next) => next.status !== 200, 20_000);
  t.equal(expired.status, 403);
  t.match(JSON.parse(expired.body).details, [{ message: 'the subscription is expired' }]);
  const stored = await waitFor(async () => (await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers: bearer(world.adminKey) })).json(), (body) => body.status === 'expired', 5000);
  t.equal(stored.status, 'expired');
  const audit = await waitFor(async () => (await world.app.inject({ url: `/api/v1/audit?action=subscription.expire&objectId=${subscription.id}`, headers: bearer(world.adminKey) })).json().items, (items) => items.length > 0, 5000);
  t.equal(audit.length, 1, 'the expiry is audited once');
});

t.test('conditional end to end: the provider approves fewer fields and pages carry only those', async (t) => {
  const world = await buildWorld(t, { sharing: 'conditional' });
  const subscription = await subscribe(world);
  t.equal((await page(world, subscription.id)).status, 403, 'nothing is delivered while the request is pending');
  const approved = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/approve`, headers: bearer(world.provider.key), payload: { fields: ['name', 'birth_date'] } });
  t.equal(approved.statusCode, 200, approved.body);
  const people = world.people(3);
  await world.push(people);
  const { records } = await pullAll(world, subscription.id, 3);
  t.equal(records.length, 3);
  for (const delivered of records) {
    t.same(Object.keys(delivered.record).sort(), ['birth_date', 'name']);
    t.match(delivered.key, /^[0-9a-f]{64}$/, 'the key field was not approved: the key is a pseudonym');
  }
  t.same(records.map((delivered) => delivered.record.birth_date).sort(), people.map((person) => person.birth_date).sort());
});

t.test('a server-sent event stream delivers masked records with resumable ids and ends when the subscription is revoked', async (t) => {
  const world = await buildWorld(t);
  const subscription = await subscribe(world);
  const people = world.people(3);
  await world.push(people);
  const address = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const response = await fetch(`${address}/api/v1/subscriptions/${subscription.id}/stream`, { headers: bearer(world.integrator.key) });
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const events = () => text.split('\n\n').filter((block) => block.startsWith('id:') || block.startsWith('event:'));
  const readUntil = async (accept: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!accept() && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((resolve) => setTimeout(() => resolve({ done: true, value: undefined }), deadline - Date.now()))]);
      if (chunk.done) break;
      text += chunk.value;
    }
  };
  await readUntil(() => events().length >= 3, 20_000);
  const records = events().slice(0, 3).map((block) => ({ id: /^id: (.+)$/m.exec(block)?.[1], event: /^event: (.+)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') }));
  t.same(records.map((record) => record.event), ['record', 'record', 'record']);
  t.ok(records.every((record) => record.id), 'every record event carries its cursor as id');
  const byName = new Map(people.map((person) => [expectedRecord(person, subscription.id, PERSON_FIELDS)['registered_address'], person]));
  for (const record of records) t.same(record.data.record, expectedRecord(byName.get(record.data.record.registered_address)!, subscription.id, PERSON_FIELDS));

  const resumed = await page(world, subscription.id, `?cursor=${records[2]!.id}`);
  t.equal(resumed.status, 200, 'an event id is a cursor for the pull API too');

  await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/revoke`, headers: bearer(world.integrator.key), payload: {} });
  const revokedAt = Date.now();
  await readUntil(() => /event: end/.test(text), 10_000);
  t.match(text, /event: end\ndata: \{"reason":"the subscription is revoked"\}/);
  t.ok(Date.now() - revokedAt < 5000, 'the stream ended within seconds');
  await reader.cancel().catch(() => undefined);
});
