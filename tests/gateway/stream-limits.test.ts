import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { buildWorld, subscribe } from '../subscriptions/world.ts';

t.test('event streams past the per-principal cap get 429 with retry-after, and a closed one frees its place', async (t) => {
  const world = await buildWorld(t, { env: { DX_STREAMS_PER_PRINCIPAL: '2', DX_STREAMS_PER_INSTANCE: '100' } });
  const subscription = await subscribe(world);
  const address = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address}/api/v1/subscriptions/${subscription.id}/stream`;
  const open = () => {
    const controller = new AbortController();
    return fetch(url, { headers: bearer(world.integrator.key), signal: controller.signal }).then((response) => ({ response, close: () => controller.abort() }));
  };
  const first = await open();
  const second = await open();
  t.teardown(() => [first, second].forEach((stream) => stream.close()));
  t.equal(first.response.status, 200);
  t.equal(second.response.status, 200);
  const third = await open();
  t.equal(third.response.status, 429);
  t.equal(third.response.headers.get('retry-after'), '30');
  const body = (await third.response.json()) as { code: string; message: string };
  t.equal(body.code, 'DX_ERR_RATE_LIMITED');
  t.match(body.message, /already has 2 open streams/);

  first.close();
  const deadline = Date.now() + 5000;
  let again = await open();
  while (again.response.status === 429 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    again = await open();
  }
  t.teardown(() => again.close());
  t.equal(again.response.status, 200, 'a stream closed by its client frees its place');
});

t.test('event streams past the per-instance cap get 429 whoever asks', async (t) => {
  const world = await buildWorld(t, { env: { DX_STREAMS_PER_PRINCIPAL: '10', DX_STREAMS_PER_INSTANCE: '1' } });
  const subscription = await subscribe(world);
  const address = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address}/api/v1/subscriptions/${subscription.id}/stream`;
  const controller = new AbortController();
  t.teardown(() => controller.abort());
  t.equal((await fetch(url, { headers: bearer(world.integrator.key), signal: controller.signal })).status, 200);
  const refused = await fetch(url, { headers: bearer(world.integrator.key) });
  t.equal(refused.status, 429);
  t.match(((await refused.json()) as { message: string }).message, /this instance already serves 1 streams/);
});
