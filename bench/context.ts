import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateApiKey } from '../gateway/auth/api-key.ts';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `dx_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A department principal and key, created through the API with the office key. */
export async function departmentKey(url: string, adminKey: string, code: string): Promise<string> {
  const principal = await call(url, adminKey, 'POST', '/api/v1/principals', { kind: 'department', name: `bench-${code}`, departmentCode: code });
  return (await call(url, adminKey, 'POST', `/api/v1/principals/${principal.id}/keys`, {})).key;
}

export const newAdminKey = generateApiKey;

/** Starts a run of the connector and waits for its end; answers its last run, and throws unless it succeeded. */
export async function runConnector(url: string, key: string, connectorId: string): Promise<any> {
  await call(url, key, 'POST', `/api/v1/connectors/${connectorId}/run`);
  let status;
  do {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = await call(url, key, 'GET', `/api/v1/connectors/${connectorId}/status`);
  } while (!status.lastRun || status.lastRun.status === 'running');
  if (status.lastRun.status !== 'succeeded') throw new Error(`pull run ${status.lastRun.status}: ${status.lastRun.error}`);
  return status.lastRun;
}

export function freshTopic(purpose: string): string {
  return `bench.${purpose}.${randomBytes(4).toString('hex')}`;
}
