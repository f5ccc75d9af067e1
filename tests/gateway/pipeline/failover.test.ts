import pg from 'pg';
import t from 'tap';
import { generateApiKey } from '../../../gateway/auth/api-key.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { waitFor } from '../../helpers/dedicated-kafka.ts';
import { api, startGatewayProcess } from '../../helpers/gateway-process.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../../helpers/person-source.ts';
import { topicResourceBody } from '../../helpers/resource.ts';

const FAST_LEASES = { DX_SCHEDULER_HEARTBEAT_MS: '300', DX_LEASE_TTL_MS: '2000' };

async function runInstances(databaseUrl: string): Promise<{ instance: string; runs: number }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ instance: string; runs: number }>('SELECT instance, count(*)::int AS runs FROM connector_runs GROUP BY instance ORDER BY min(id)');
    return rows;
  } finally {
    await client.end();
  }
}

t.test('two gateways on one database run a connector on one of them, and the other takes over when it is killed', async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const adminKey = generateApiKey();
  const env = { DATABASE_URL: databaseUrl, DX_ADMIN_TOKEN: adminKey, ...FAST_LEASES };
  const first = await startGatewayProcess(t, env);
  const second = await startGatewayProcess(t, env);
  const department = (await api(first, adminKey, 'POST', '/api/v1/principals', { kind: 'department', name: '公安局', departmentCode: 'GAJ' })).json;
  const key = (await api(first, adminKey, 'POST', `/api/v1/principals/${department.id}/keys`, {})).json.key;
  const source = await createPersonSourceTable(t, 20, 0);
  const topic = freshTopicName('failover');
  await api(first, adminKey, 'POST', '/api/v1/catalog/resources', topicResourceBody('GAJ', topic));
  const created = await api(second, key, 'POST', '/api/v1/connectors', { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '* * * * * *', config: source.connection, mapping: PERSON_MAPPING });
  t.equal(created.status, 201, JSON.stringify(created.json));

  const before = await waitFor(() => runInstances(databaseUrl), (rows) => (rows[0]?.runs ?? 0) >= 4, 30_000);
  t.equal(before.length, 1, `one instance runs the connector (${JSON.stringify(before)})`);
  const owner = before[0]!.instance;
  const [victim, survivor] = owner.includes(`-${first.pid}-`) ? [first, second] : [second, first];
  t.ok(owner.includes(`-${victim.pid}-`));

  await victim.kill('SIGKILL');
  const after = await waitFor(() => runInstances(databaseUrl), (rows) => rows.some((row) => row.instance.includes(`-${survivor.pid}-`) && row.runs >= 2), 30_000);
  t.ok(after.some((row) => row.instance.includes(`-${survivor.pid}-`)), `the survivor took over (${JSON.stringify(after)})`);
});

t.test('a gateway killed mid-run and restarted loses no row', async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const adminKey = generateApiKey();
  const env = { DATABASE_URL: databaseUrl, DX_ADMIN_TOKEN: adminKey, ...FAST_LEASES };
  const source = await createPersonSourceTable(t, 30_000, 0, 21);
  const topic = freshTopicName('crash');
  let gateway = await startGatewayProcess(t, env);
  const department = (await api(gateway, adminKey, 'POST', '/api/v1/principals', { kind: 'department', name: '公安局', departmentCode: 'GAJ' })).json;
  const key = (await api(gateway, adminKey, 'POST', `/api/v1/principals/${department.id}/keys`, {})).json.key;
  await api(gateway, adminKey, 'POST', '/api/v1/catalog/resources', topicResourceBody('GAJ', topic));
  const connector = (await api(gateway, key, 'POST', '/api/v1/connectors', { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '*/2 * * * * *', config: source.connection, mapping: PERSON_MAPPING, options: { batchSize: 200 } })).json;

  const status = () => api(gateway, key, 'GET', `/api/v1/connectors/${connector.id}/status`).then((response) => response.json);
  for (let crash = 1; crash <= 3; crash++) {
    const target = 5000 * crash;
    await waitFor(status, (body) => body.totals.read >= target, 60_000);
    await gateway.kill('SIGKILL');
    gateway = await startGatewayProcess(t, env);
  }
  const done = await waitFor(status, (body) => body.totals.published >= 30_000 && body.lastRun?.status !== 'running', 120_000);
  t.ok(done.totals.published >= 30_000, `${done.totals.published} published in all, duplicates included`);
  const messages = await consumeTopic(topic, done.totals.published, { timeoutMs: 60_000, quietMs: 2000 });
  const keys = new Set(messages.map((message) => message.key));
  t.equal(keys.size, 30_000, 'every source row is on the topic');
  t.same([...source.validIds].filter((id) => !keys.has(id)), [], 'no row is missing');
  // At a crash, at most the batches in flight (three of 200 records) were acknowledged without their offsets.
  t.ok(messages.length - keys.size <= 3 * 3 * 200, `duplicates (${messages.length - keys.size}) come only from batches in flight at the crashes`);
});
