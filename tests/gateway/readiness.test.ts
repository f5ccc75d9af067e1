import pg from 'pg';
import t from 'tap';
import { ensureLocalKafka, stopLocalKafka } from '../../gateway/kafka/local-broker/local-kafka.ts';
import { buildTestApp } from '../helpers/app.ts';
import { ADMIN_DATABASE_URL } from '../helpers/database.ts';
import { startDedicatedKafka, waitFor } from '../helpers/dedicated-kafka.ts';

t.test('the app boots on the real Kafka and PostgreSQL and reports ready', async (t) => {
  const { app } = await buildTestApp(t);
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
  const ready = await app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready', checks: { database: { ok: true }, kafka: { ok: true } }, registers: { materialisers: 'running', retrying: [] } });
});

t.test('readiness turns 503 naming Kafka when the broker stops, and recovers when it is back', async (t) => {
  const { kafka, options } = await startDedicatedKafka(t, 19392);
  const { app } = await buildTestApp(t, { brokers: kafka.brokers });
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200);

  await stopLocalKafka(options);
  const down = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 503, 20_000);
  t.equal(down.statusCode, 503);
  t.match(down.json(), { status: 'unavailable', checks: { database: { ok: true }, kafka: { ok: false, error: String } } });
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process stays alive');

  await ensureLocalKafka(options);
  const back = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 200, 60_000);
  t.equal(back.statusCode, 200);
});

t.test('readiness turns 503 naming the database when it is gone, while authentication fails closed', async (t) => {
  const { app, adminKey, databaseUrl } = await buildTestApp(t);
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
  await admin.end();

  const ready = await waitFor(() => app.inject({ url: '/readyz' }), (response) => response.statusCode === 503, 10_000);
  t.match(ready.json(), { status: 'unavailable', checks: { database: { ok: false }, kafka: { ok: true } } });
  const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${adminKey}` } });
  t.equal(me.statusCode, 503, 'an API call is refused, not let through');
  t.equal(me.json().code, 'DX_ERR_DB_UNAVAILABLE');
});
