import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import pg from 'pg';
import { createFixtureGenerator, type FixtureGenerator } from '../../schemas/fixtures/index.ts';

export const DEMO_TABLE = 'dx_demo_residents';
/** The demo connector's login: it reads the residents table only, as a department's source login should. */
export const DEMO_READER = { user: 'dx_demo_reader', password: 'dx-demo-reader' };

/** The household-registration system of the demo: a table in the department's own column names and codes. */
export async function createResidentsTable(url: string, fixtures: FixtureGenerator, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${DEMO_TABLE} (id serial PRIMARY KEY, sfzh text, xm text, xb text, mz text, csrq text, hjdz text, updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await client.query(`DO $$ BEGIN CREATE ROLE ${DEMO_READER.user} LOGIN NOSUPERUSER PASSWORD '${DEMO_READER.password}'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await client.query(`GRANT SELECT ON ${DEMO_TABLE} TO ${DEMO_READER.user}`);
    await addResidents(client, fixtures, rows);
  } finally {
    await client.end();
  }
}

export async function addResidents(client: pg.ClientBase, fixtures: FixtureGenerator, rows: number): Promise<void> {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (let i = 0; i < rows; i++) {
    // One record in twenty carries a mistyped ID number, as real registers do: it goes to the dead-letter path.
    const person = i % 20 === 19 ? (fixtures.invalid('id-number-check-character').record as Record<string, string>) : (fixtures.person() as unknown as Record<string, string>);
    const base = values.length;
    tuples.push(`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`);
    values.push(person.id_number, person.name, person.sex === '2' ? '女' : '男', person.ethnicity, String(person.birth_date ?? '').replace(/-/g, ''), person.registered_address);
  }
  await client.query(`INSERT INTO ${DEMO_TABLE} (sfzh, xm, xb, mz, csrq, hjdz) VALUES ${tuples.join(', ')}`, values);
}

/** The market-regulation export of the demo: a GBK CSV file dropped into the watched folder. */
export function dropCompaniesCsv(folder: string, fixtures: FixtureGenerator, rows: number): string {
  mkdirSync(folder, { recursive: true });
  const header = ['统一社会信用代码', '企业名称', '法定代表人', '成立日期', '注册资本(万元)', '登记状态'];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const organisation = fixtures.organisation() as unknown as Record<string, string | null>;
    const code = i % 25 === 24 ? `${organisation.credit_code!.slice(0, 17)}0` : organisation.credit_code;
    lines.push([code, organisation.name, organisation.legal_representative_name ?? '', organisation.establishment_date ?? '', organisation.registered_capital ?? '', '存续'].join(','));
  }
  const name = `企业登记_${new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}.csv`;
  // Written under another name and renamed, as the connector's documentation asks of senders.
  const partial = join(folder, `.${name}.part`);
  writeFileSync(partial, iconv.encode(lines.join('\r\n'), 'gbk'));
  renameSync(partial, join(folder, name));
  return name;
}

export function licenceBatch(fixtures: FixtureGenerator, size: number): Record<string, unknown>[] {
  return Array.from({ length: size }, () => fixtures.licence() as unknown as Record<string, unknown>);
}

export function demoFixtures(seed: number): FixtureGenerator {
  return createFixtureGenerator({ seed });
}
