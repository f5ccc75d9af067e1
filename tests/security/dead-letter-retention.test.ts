import t from 'tap';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { PERSON_MAPPING } from '../helpers/person-source.ts';
import { sql } from './support.ts';

t.test('quarantined records, push answers and finished runs older than their retention are purged; younger ones and running runs stay', async (t) => {
  const first = await buildTestApp(t);
  const department = await createDepartment(first.app, first.adminKey, 'GAJ', '公安局');
  const created = await first.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '人口推送', type: 'http-push', schema: 'population.person', config: {}, mapping: PERSON_MAPPING } });
  const connectorId = created.json().id as string;
  for (const key of ['old', 'young']) {
    const pushed = await first.app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: { ...bearer(department.key), 'idempotency-key': key }, payload: [{ sfzh: `11010519491231002${key.length}`, xm: key }] });
    t.equal(pushed.statusCode, 202, pushed.body);
  }
  const rejected = (await first.app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(department.key) })).json().items as { id: number }[];
  t.equal(rejected.length, 2);
  await sql(first, `UPDATE rejected_records SET created_at = now() - interval '11 days' WHERE id = $1`, [rejected[0]!.id]);
  await sql(first, `UPDATE rejected_records SET created_at = now() - interval '9 days' WHERE id = $1`, [rejected[1]!.id]);
  await sql(first, `UPDATE ingest_requests SET created_at = now() - interval '4 days' WHERE idempotency_key = 'old'`);
  await sql(first, `UPDATE ingest_requests SET created_at = now() - interval '2 days' WHERE idempotency_key = 'young'`);
  await sql(first, `INSERT INTO connector_runs (connector_id, trigger, instance, status, started_at, finished_at) VALUES
    ($1, 'schedule', 'gone', 'succeeded', now() - interval '21 days', now() - interval '21 days'),
    ($1, 'schedule', 'gone', 'failed', now() - interval '19 days', now() - interval '19 days'),
    ($1, 'schedule', 'alive', 'running', now() - interval '30 days', NULL)`, [connectorId]);

  await buildTestApp(t, { instanceOf: first, env: { DX_QUARANTINE_RETENTION_DAYS: '10', DX_IDEMPOTENCY_RETENTION_DAYS: '3', DX_RUN_HISTORY_RETENTION_DAYS: '20' } });
  const left = (await first.app.inject({ url: `/api/v1/connectors/${connectorId}/rejected`, headers: bearer(department.key) })).json().items as { id: number }[];
  t.same(left.map((item) => item.id), [rejected[1]!.id], 'the quarantined record older than 10 days is purged');
  t.same((await sql<{ key: string }>(first, 'SELECT idempotency_key AS key FROM ingest_requests')).map((row) => row.key), ['young'], 'the push answer older than 3 days is purged');
  t.same((await sql<{ status: string }>(first, 'SELECT status FROM connector_runs ORDER BY id')).map((row) => row.status), ['failed', 'running'], 'the finished run older than 20 days is purged; a running one is not');
});

t.test('by default a quarantined record is kept 30 days', async (t) => {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const connectorId = (await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: '人口推送', type: 'http-push', schema: 'population.person', config: {}, mapping: PERSON_MAPPING } })).json().id as string;
  await testApp.app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(department.key), payload: [{ sfzh: '1', xm: 'a' }, { sfzh: '2', xm: 'b' }] });
  await sql(testApp, `UPDATE rejected_records SET created_at = now() - CASE WHEN "offset"->>'index' = '0' THEN interval '31 days' ELSE interval '29 days' END`);
  await buildTestApp(t, { instanceOf: testApp });
  t.same((await sql<{ offset: { index: number } }>(testApp, 'SELECT "offset" FROM rejected_records')).map((row) => row.offset.index), [1]);
});
