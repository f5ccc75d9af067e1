import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { ADMIN_DATABASE_URL } from './database.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export { HOUSEHOLD_REGISTER_MAPPING as PERSON_MAPPING } from '../../schemas/fixtures/household-register.ts';

/**
 * The login sql-pull sources of the tests use: not a superuser, able to read only the tables granted to it. The
 * sources share the server of the gateway's test databases, where the gateway refuses a superuser login.
 */
export const SOURCE_READER = 'dx_source_reader';

/** Creates SOURCE_READER once (concurrent test files may race to) and lets it read `table`. */
export async function grantSourceReader(client: pg.ClientBase, table: string): Promise<void> {
  await client.query(`DO $$ BEGIN CREATE ROLE ${SOURCE_READER} LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  await client.query(`GRANT SELECT ON ${table} TO ${SOURCE_READER}`);
}

/**
 * Creates a source table on the machine's PostgreSQL with `valid` generated residents and `invalid` ones whose
 * ID number has a wrong check character; dropped when the test ends.
 */
export async function createPersonSourceTable(t: Teardown, valid: number, invalid: number, seed = 7): Promise<{ table: string; connection: Record<string, unknown>; validIds: string[] }> {
  const table = `hukou_${randomBytes(4).toString('hex')}`;
  const fixtures = createFixtureGenerator({ seed });
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, sfzh text, xm text, xb text, mz text, csrq text, hjdz text, updated_at timestamptz NOT NULL DEFAULT now())`);
  const validIds: string[] = [];
  const rows: unknown[][] = [];
  for (let i = 0; i < valid + invalid; i++) {
    const person = i < valid ? fixtures.person() : (fixtures.invalid("id-number-check-character").record as unknown as ReturnType<typeof fixtures.person>);
    if (i < valid) validIds.push(person.id_number);
    rows.push([person.id_number, person.name, person.sex === '1' ? '男' : '女', person.ethnicity, person.birth_date?.replace(/-/g, ''), person.registered_address]);
  }
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const values = chunk.map((_, index) => `($${index * 6 + 1}, $${index * 6 + 2}, $${index * 6 + 3}, $${index * 6 + 4}, $${index * 6 + 5}, $${index * 6 + 6})`).join(', ');
    await client.query(`INSERT INTO ${table} (sfzh, xm, xb, mz, csrq, hjdz) VALUES ${values}`, chunk.flat());
  }
  await grantSourceReader(client, table);
  await client.end();
  t.teardown(async () => {
    const drop = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await drop.connect();
    await drop.query(`DROP TABLE IF EXISTS ${table}`);
    await drop.end();
  });
  const url = new URL(ADMIN_DATABASE_URL);
  return {
    table,
    validIds,
    connection: { driver: 'postgres', host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: SOURCE_READER, table, cursorColumn: 'updated_at', keyColumn: 'id' },
  };
}
