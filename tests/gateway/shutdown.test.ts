import { spawn } from 'node:child_process';
import { once } from 'node:events';
import t from 'tap';
import { createTestDatabase } from '../helpers/database.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';
import { TEST_SECRET_KEY } from '../helpers/secret-key.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';

t.test('the server serves, then on SIGTERM stops accepting, closes and exits 0 within 10 s', async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const server = spawn(process.execPath, ['--import=tsx', 'gateway/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, KAFKA_BROKERS: TEST_BROKERS.join(','), DX_ADMIN_TOKEN: 'dx_shutdown-test-token-0123456789', DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => server.kill('SIGKILL'));
  const exited = once(server, 'exit');
  let output = '';
  const address = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`server exited early:\n${output}`)));
  });

  const ready = await fetch(`${address}/readyz`);
  t.equal(ready.status, 200);

  const signalledAt = Date.now();
  server.kill('SIGTERM');
  const [code] = await exited;
  t.equal(code, 0);
  t.ok(Date.now() - signalledAt < 10_000, 'exited within 10 s');
  t.match(output, /"msg":"stopped"/);
  await t.rejects(fetch(`${address}/healthz`), 'no longer accepting connections');
});
