import pg from 'pg';

/**
 * Fills a PostgreSQL table with `rows` residents whose ID numbers are valid (GB 11643 check character computed in
 * SQL) and whose sex and birth date agree with them, in a department's own column names.
 */
export async function createBenchPeopleTable(adminUrl: string, table: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`
      CREATE OR REPLACE FUNCTION dx_bench_id17(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT '110105' || to_char(date '1940-01-01' + (n % 25000)::int, 'YYYYMMDD') || lpad(((n / 25000) % 1000)::text, 3, '0')
      $$`);
    await client.query(`
      CREATE OR REPLACE FUNCTION dx_bench_check(id17 text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT substr('10X98765432', (SELECT sum(substr(id17, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i]) FROM generate_series(1, 17) AS i)::int % 11 + 1, 1)
      $$`);
    await client.query(`
      CREATE UNLOGGED TABLE ${table} AS
      SELECT n AS id, id17 || dx_bench_check(id17) AS sfzh, '居民' || n AS xm,
             CASE WHEN substr(id17, 17, 1)::int % 2 = 1 THEN '男' ELSE '女' END AS xb, '01' AS mz,
             substr(id17, 7, 8) AS csrq, '北京市东城区某某街道' || (n % 500) || '号' AS hjdz,
             timestamptz '2026-01-01' + (n / 100) * interval '1 second' AS updated_at
        FROM (SELECT n, dx_bench_id17(n) AS id17 FROM generate_series(1, ${Math.trunc(rows)}) AS n) AS s`);
    await client.query(`CREATE INDEX ON ${table} (updated_at, id)`);
    await client.query(`ANALYZE ${table}`);
  } finally {
    await client.end();
  }
}
