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

export function freshTopic(purpose: string): string {
  return `bench.${purpose}.${randomBytes(4).toString('hex')}`;
}
