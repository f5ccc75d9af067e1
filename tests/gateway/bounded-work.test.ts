import { connect } from 'node:net';
import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';

const BAD_KEY = `dx_${'0'.repeat(40)}`;

t.test('an address past its failed-authentication budget gets 429 with retry-after before any key is looked up', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { DX_AUTH_FAILURES_PER_MINUTE: '5', DX_RATE_LIMIT_PER_MINUTE: '1000', DX_AUTH_CACHE_MS: '0' } });
  const from = (remoteAddress: string, key: string) => app.inject({ url: '/api/v1/me', headers: bearer(key), remoteAddress });
  for (let i = 0; i < 5; i++) t.equal((await from('10.9.9.9', BAD_KEY)).statusCode, 401);
  const limited = await from('10.9.9.9', BAD_KEY);
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().code, 'DX_ERR_RATE_LIMITED');
  t.match(limited.json().message, /failed authentications/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'retry-after says when to come back');
  t.equal((await from('10.9.9.9', adminKey)).statusCode, 429, 'even a good key from that address is refused unread: the check comes before the lookup');
  t.equal((await from('10.9.9.10', adminKey)).statusCode, 200, 'another address is not affected');
  t.equal((await from('10.9.9.10', BAD_KEY)).statusCode, 401, 'and has its own budget');
});

t.test('readiness checks are shared and reused for a second, on one long-lived probe client', async (t) => {
  const { app } = await buildTestApp(t);
  let pings = 0;
  const ping = app.kafka.ping.bind(app.kafka);
  app.kafka.ping = (timeoutMs) => {
    pings++;
    return ping(timeoutMs);
  };
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject({ url: '/readyz' })));
  t.ok(answers.every((answer) => answer.statusCode === 200));
  for (let i = 0; i < 20; i++) t.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  t.ok(pings <= 2, `${pings} Kafka probes for 40 readiness requests`);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  t.ok(pings >= 2, 'a later request checks again');
});

async function listening(t: Parameters<typeof buildTestApp>[0], env: Record<string, string>): Promise<number> {
  const { app } = await buildTestApp(t, { env });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

/** Sends `chunks` one every `everyMs` and resolves with what the server answered and when it closed. */
function trickle(port: number, chunks: string[], everyMs: number): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < chunks.length && !socket.destroyed) socket.write(chunks[sent++] as string);
    }, everyMs);
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
  });
}

t.test('a client sending its request too slowly gets 408 and the connection closed after DX_REQUEST_TIMEOUT_MS', async (t) => {
  const port = await listening(t, { DX_REQUEST_TIMEOUT_MS: '1000', DX_CONNECTION_TIMEOUT_MS: '60000' });
  const slow = await trickle(port, ['GET /healthz HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, i) => `x-h${i}: 1\r\n`)], 200);
  t.match(slow.answer, /^HTTP\/1\.1 408/);
  t.ok(slow.closedAfterMs < 5000, `closed after ${Math.round(slow.closedAfterMs)} ms`);
});

t.test('a silent connection is closed after DX_CONNECTION_TIMEOUT_MS', async (t) => {
  const port = await listening(t, { DX_CONNECTION_TIMEOUT_MS: '1000' });
  const silent = await trickle(port, [], 100);
  t.ok(silent.closedAfterMs >= 900 && silent.closedAfterMs < 5000, `closed after ${Math.round(silent.closedAfterMs)} ms`);
});
