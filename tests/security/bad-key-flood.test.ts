import t from 'tap';
import { Pool, type Dispatcher } from 'undici';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';

const FLOOD = 3000;
const FLOOD_CONCURRENCY = 16;
const SAMPLES = 40;

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;

async function timed(client: Dispatcher, path: string, key: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await client.request({ method: 'GET', path, headers: bearer(key) });
  await response.body.dump();
  return { ms: performance.now() - started, status: response.statusCode };
}

async function samples(client: Dispatcher, key: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { ms, status } = await timed(client, '/api/v1/connectors', key);
    if (status !== 200) throw new Error(`the good key got ${status}`);
    times.push(ms);
  }
  return times;
}

t.test('a flood of bad-key requests from one address leaves a good key answered within its usual latency', async (t) => {
  // No cached lookups: every good request costs its own key lookup, as the bad ones would without the limiter.
  const { app, adminKey } = await buildTestApp(t, { env: { DX_AUTH_CACHE_MS: '0', DX_RATE_LIMIT_PER_MINUTE: '1000000', DX_AUTH_FAILURES_PER_MINUTE: '30' } });
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const good = new Pool(origin, { connections: 1, localAddress: '127.0.0.1' });
  const attacker = new Pool(origin, { connections: FLOOD_CONCURRENCY, localAddress: '127.0.0.2' });
  t.teardown(async () => {
    await good.close();
    await attacker.close();
  });

  const usual = median(await samples(good, department.key));
  const statuses = new Map<number, number>();
  let sent = 0;
  const flood = Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, async () => {
    while (sent < FLOOD) {
      sent++;
      const { status } = await timed(attacker, '/api/v1/connectors', `dx_${sent.toString(16).padStart(40, '0')}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }));
  const underFlood = median(await samples(good, department.key));
  await flood;

  // Requests already past the check when the 30th failure is counted are looked up too: at most one per connection.
  const unauthorized = statuses.get(401) ?? 0;
  t.ok(unauthorized >= 30 && unauthorized <= 30 + FLOOD_CONCURRENCY, `the attacker learns ${unauthorized} times that its keys are bad`);
  t.equal(statuses.get(429), FLOOD - unauthorized, 'then is refused before any lookup');
  // Measured: about 3 times the usual median with the limiter (the 429s still cost the event loop), 8 times without.
  t.ok(underFlood < usual * 5 + 10, `median ${underFlood.toFixed(1)} ms under the flood, ${usual.toFixed(1)} ms before`);
});
