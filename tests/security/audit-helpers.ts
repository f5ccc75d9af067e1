import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { ExportedEntry } from '../../gateway/audit/rows.ts';
import { bearer } from '../helpers/app.ts';

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

/** Makes every append to the audit log fail (a trigger that raises), until `restore` is called. */
export async function breakAuditAppends(t: Teardown, databaseUrl: string): Promise<{ restore(): Promise<void> }> {
  const client = await superuser(t, databaseUrl);
  await client.query(`CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit appends are broken by the test'; END $$`);
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
