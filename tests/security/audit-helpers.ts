import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { ExportedEntry } from '../../gateway/audit/rows.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { provideTopic } from '../helpers/resource.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export type ExportLine = ExportedEntry;

async function superuser(t: Teardown, databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

/** A superuser session with triggers off: what someone with direct write access to the database can do. */
export async function tamper(t: Teardown, databaseUrl: string, ...statements: (string | [string, unknown[]])[]): Promise<void> {
  const client = await superuser(t, databaseUrl);
  await client.query('SET session_replication_role = replica');
  for (const statement of statements) {
    if (typeof statement === 'string') await client.query(statement);
    else await client.query(statement[0], statement[1]);
  }
}

/** Makes every append to the audit log fail (of `action` only, when given), with a trigger that raises, until `restore`. */
export async function breakAuditAppends(t: Teardown, databaseUrl: string, action?: string): Promise<{ restore(): Promise<void> }> {
  const client = await superuser(t, databaseUrl);
  const only = action === undefined ? '' : `IF NEW.action <> ${pg.escapeLiteral(action)} THEN RETURN NEW; END IF;`;
  await client.query(`CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${only} RAISE EXCEPTION 'audit appends are broken by the test'; END $$`);
  await client.query('CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()');
  return { restore: async () => void (await client.query('DROP TRIGGER test_refuse_audit ON audit_log')) };
}

export async function auditRows(t: Teardown, databaseUrl: string): Promise<ExportLine[]> {
  const client = await superuser(t, databaseUrl);
  const { rows } = await client.query(
    `SELECT sequence::int AS sequence, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, principal_id, principal_kind,
            action, object_type, object_id, details, chain_version, prev_hash, hash FROM audit_log ORDER BY sequence`,
  );
  return rows;
}

export async function exportText(app: FastifyInstance, key: string, query = ''): Promise<string> {
  const response = await app.inject({ url: `/api/v1/audit/export${query}`, headers: bearer(key) });
  if (response.statusCode !== 200) throw new Error(`export: ${response.statusCode} ${response.body}`);
  return response.body;
}

export async function auditEntries(app: FastifyInstance, key: string, query = ''): Promise<{ sequence: number; principalId: string | null; action: string; objectType: string | null; objectId: string | null; details: Record<string, any> }[]> {
  const response = await app.inject({ url: `/api/v1/audit?order=asc&limit=500${query}`, headers: bearer(key) });
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json().items;
}

export async function verifyReport(app: FastifyInstance, key: string): Promise<{ ok: boolean; checked: number; firstBrokenAt?: { sequence: number; reason: string } }> {
  const response = await app.inject({ url: '/api/v1/audit/verify', headers: bearer(key) });
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json();
}

/** Opens the server-sent event stream of a subscription on a listening app; `readUntil` collects its text. */
export async function openEventStream(app: FastifyInstance, subscriptionId: string, key: string) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const response = await fetch(`${address}/api/v1/subscriptions/${subscriptionId}/stream`, { headers: bearer(key) });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    status: response.status,
    text: () => text,
    records: () => text.split('\n\n').filter((block) => /^event: record$/m.test(block)).length,
    async readUntil(accept: () => boolean, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!accept() && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((resolve) => setTimeout(() => resolve({ done: true, value: undefined }), deadline - Date.now()))]);
        if (chunk.done) break;
        text += chunk.value;
      }
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

/** A gateway with an http-push connector that has one rejected record (its raw content in `bad`). */
/** A gateway with the market regulator's http-push connector of companies on a fresh topic of its own. */
export async function companyPushConnector(t: Parameters<typeof buildTestApp>[0], purpose = 'audit-push') {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'SCJ', '市场监管局');
  const topic = freshTopicName(purpose);
  await provideTopic(testApp.app, testApp.adminKey, 'SCJ', topic);
  const payload = {
    name: '企业登记推送', type: 'http-push', schema: 'legal-person.organisation', topic, config: { maxRecordsPerRequest: 100 },
    mapping: { fields: { credit_code: '统一社会信用代码', name: '企业名称', legal_representative_name: '法定代表人', establishment_date: '成立日期' } },
  };
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload });
  if (created.statusCode !== 201) throw new Error(created.body);
  return { ...testApp, department, connector: created.json() };
}

/** As companyPushConnector, with one good company and one with a wrong check character pushed. */
export async function pushConnectorWithRejected(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await companyPushConnector(t, 'audit-rejected');
  const { department, connector } = testApp;
  const company = createFixtureGenerator({ seed: 5 }).organisation();
  const bad = { 统一社会信用代码: '91350100M000100Y44', 企业名称: '校验位错误的公司' };
  const pushed = await testApp.app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: bearer(department.key), payload: [{ 统一社会信用代码: company.credit_code, 企业名称: company.name }, bad] });
  if (pushed.statusCode !== 202) throw new Error(pushed.body);
  return { ...testApp, bad };
}

/** Every stored audit row as text, to search for what must never be there. */
export async function rawLog(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return JSON.stringify((await client.query('SELECT * FROM audit_log ORDER BY sequence')).rows);
  } finally {
    await client.end();
  }
}

/** A gateway with a sql-pull connector on a fresh source table of `valid` and `invalid` person rows. */
export async function pullConnectorWithSource(t: Parameters<typeof buildTestApp>[0], valid: number, invalid: number) {
  const testApp = await buildTestApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'GAJ', '公安局');
  const source = await createPersonSourceTable(t, valid, invalid);
  const topic = freshTopicName('audit-pull');
  await provideTopic(testApp.app, testApp.adminKey, 'GAJ', topic);
  const payload = { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '0 0 1 1 *', config: source.connection, mapping: PERSON_MAPPING };
  const connector = (await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload })).json();
  return { ...testApp, department, source, connector };
}
