import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { bearer } from '../helpers/app.ts';
import { ADMIN_DATABASE_URL } from '../helpers/database.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { PERSON_MAPPING } from '../helpers/person-source.ts';
import { provideTopic } from '../helpers/resource.ts';

/**
 * Registers a connector as `department` and asks for its test run: the answer as the caller gets it. The connector
 * publishes onto a fresh resource the data office catalogued for the department, so only the connection is judged.
 */
export async function testConnector(app: FastifyInstance, adminKey: string, department: { key: string; code: string }, type: string, config: Record<string, unknown>): Promise<{ created: number; body: any; test?: any }> {
  const topic = freshTopicName('security');
  await provideTopic(app, adminKey, department.code, topic);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(department.key),
    payload: { name: `attack ${freshTopicName('x')}`, type, schema: 'population.person', topic, schedule: '0 0 1 1 *', config, mapping: PERSON_MAPPING },
  });
  const key = department.key;
  if (created.statusCode !== 201) return { created: created.statusCode, body: created.json() };
  const test = await app.inject({ method: 'POST', url: `/api/v1/connectors/${created.json().id}/test`, headers: bearer(key) });
  return { created: 201, body: created.json(), test: test.json() };
}

/** Runs `sql` as the superuser on the machine's `postgres` database (or `url`). */
export async function asAdmin<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, url = ADMIN_DATABASE_URL): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The name of the database a gateway test app runs on. */
export function databaseName(databaseUrl: string): string {
  return new URL(databaseUrl).pathname.slice(1);
}
