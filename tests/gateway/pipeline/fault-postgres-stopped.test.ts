import t from 'tap';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/dedicated-kafka.ts';
import { startDedicatedPostgres } from '../../helpers/dedicated-postgres.ts';

t.test('with PostgreSQL stopped the gateway stays up, reports not ready, refuses API calls with 503, and recovers', async (t) => {
  const postgres = startDedicatedPostgres(t, 25432);
  const { app, adminKey } = await buildTestApp(t, { adminDatabaseUrl: postgres.url });
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  postgres.stop();
  const down = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 503, 20_000);
  t.match(down.json().checks, { database: { ok: false }, kafka: { ok: true } });
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const refused = await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) });
  t.equal(refused.statusCode, 503);
  t.equal(refused.json().code, 'DX_ERR_DB_UNAVAILABLE');
  postgres.start();
  const back = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 200, 30_000);
  t.equal(back.statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(adminKey) })).statusCode, 200);
});
