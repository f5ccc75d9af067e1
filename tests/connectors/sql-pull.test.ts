import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import mysql from 'mysql2/promise';
import pg from 'pg';
import t, { type Test } from 'tap';
import { sqlPull } from '../../connectors/sql-pull/index.ts';
import type { SourceRecord } from '../../connectors/types.ts';
import { ADMIN_DATABASE_URL } from '../helpers/database.ts';
import { runConformance } from './conformance.ts';
import { createTestContext } from './context.ts';

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const pgTarget = new URL(ADMIN_DATABASE_URL);
const myTarget = new URL(MYSQL_URL);

async function postgresTable(t: Test, rows: number, cursorOf: (i: number) => string = (i) => `2026-01-01 00:00:0${Math.floor(i / 3)}`): Promise<string> {
  const table = `src_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text, updated_at timestamp(6) NOT NULL)`);
  for (let i = 1; i <= rows; i++) await client.query(`INSERT INTO ${table} VALUES ($1, $2, $3)`, [i, `姓名${i}`, cursorOf(i)]);
  await client.end();
  t.teardown(async () => {
    const drop = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await drop.connect();
    await drop.query(`DROP TABLE IF EXISTS ${table}`);
    await drop.end();
  });
  return table;
}

function postgresConfig(table: string) {
  return { driver: 'postgres', host: pgTarget.hostname, port: Number(pgTarget.port || 5432), database: pgTarget.pathname.slice(1), user: decodeURIComponent(pgTarget.username || 'postgres'), table, cursorColumn: 'updated_at', keyColumn: 'id' };
}

async function mysqlTable(t: Test, rows: number): Promise<string> {
  const table = `src_${randomBytes(4).toString('hex')}`;
  const connection = await mysql.createConnection(MYSQL_URL);
  await connection.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(50), modified datetime(6) NOT NULL) CHARACTER SET utf8mb4`);
  for (let i = 1; i <= rows; i++) await connection.query(`INSERT INTO ${table} VALUES (?, ?, ?)`, [i, `企业${i}`, `2026-02-01 10:00:0${Math.floor(i / 4)}.123456`]);
  await connection.end();
  t.teardown(async () => {
    const drop = await mysql.createConnection(MYSQL_URL);
    await drop.query(`DROP TABLE IF EXISTS ${table}`);
    await drop.end();
  });
  return table;
}

function mysqlConfig(table: string) {
  return { driver: 'mysql', host: myTarget.hostname, port: Number(myTarget.port || 3306), database: myTarget.pathname.slice(1), user: decodeURIComponent(myTarget.username || 'root'), table, cursorColumn: 'modified', keyColumn: 'id' };
}

async function readAll(config: Record<string, unknown>, batchSize: number, offsets = new Map()): Promise<SourceRecord[]> {
  const task = sqlPull.create(config as never, createTestContext({ batchSize, offsets }));
  const records: SourceRecord[] = [];
  try {
    for await (const batch of task.read()) records.push(...batch);
  } finally {
    await task.close();
  }
  return records;
}

t.test('conformance on PostgreSQL', async (t) => {
  runConformance(t, { definition: sqlPull, prepare: async (t) => ({ config: postgresConfig(await postgresTable(t, 9)), count: 9 }) });
});

t.test('conformance on MariaDB', async (t) => {
  runConformance(t, { definition: sqlPull, prepare: async (t) => ({ config: mysqlConfig(await mysqlTable(t, 9)), count: 9 }) });
});

t.test('rows sharing a cursor value across a batch boundary are all read once', async (t) => {
  const table = await postgresTable(t, 10, () => '2026-03-01 08:00:00');
  const records = await readAll(postgresConfig(table), 3);
  t.same(records.map((record) => record.value.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

t.test('a later run reads only rows added or changed after the committed position', async (t) => {
  const table = await postgresTable(t, 4);
  const config = postgresConfig(table);
  const first = await readAll(config, 10);
  const last = first[first.length - 1];
  t.ok(last);
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  await client.query(`INSERT INTO ${table} VALUES (5, 'new', '2030-01-01 00:00:00.000001')`);
  await client.query(`UPDATE ${table} SET name = 'changed', updated_at = '2030-01-01 00:00:00.000002' WHERE id = 2`);
  await client.end();
  const second = await readAll(config, 10, new Map([[last!.partition, last!.offset]]));
  t.same(second.map((record) => [record.value.id, record.value.name]), [[5, 'new'], [2, 'changed']]);
});

t.test('timestamps keep their microseconds in the offset', async (t) => {
  const records = await readAll(mysqlConfig(await mysqlTable(t, 2)), 10);
  t.match(String((records[0]?.offset as { cursor: string }).cursor), /\.123456$/);
});

t.test('a query source is read in cursor order', async (t) => {
  const table = await postgresTable(t, 6);
  const config = { ...postgresConfig(table), table: undefined, query: `SELECT id, upper(name) AS name, updated_at FROM ${table} WHERE id % 2 = 0` };
  const records = await readAll(config, 2);
  t.same(records.map((record) => record.value.id), [2, 4, 6]);
  t.equal(records[0]?.partition, 'query');
});

t.test('no row of a batch the runtime has taken stays reachable, before or while the next batch is read', async (t) => {
  v8.setFlagsFromString('--expose-gc');
  const collectGarbage = vm.runInNewContext('gc') as () => void;
  const table = await postgresTable(t, 9);
  // The sleep keeps the next batch's query running while the heap is looked at.
  const config = { ...postgresConfig(table), table: undefined, query: `SELECT s.* FROM ${table} s CROSS JOIN pg_sleep(0.3)` };
  const task = sqlPull.create(config as never, createTestContext({ batchSize: 3 }));
  t.teardown(() => task.close());
  const batches = task.read()[Symbol.asyncIterator]();
  const taken = async () => {
    const batch = (await batches.next()).value as SourceRecord[];
    const row = new WeakRef(batch[0]?.value as object);
    batch.length = 0; // as the runtime does once it has taken a batch
    await sleep(10); // a new job: a WeakRef keeps its target for the rest of the job that made it
    return row;
  };
  const first = await taken();
  collectGarbage();
  t.equal(first.deref(), undefined, 'the first batch was collected while the connector waited to be asked for more');
  const second = await taken();
  const third = batches.next();
  await sleep(100);
  collectGarbage();
  t.equal(second.deref(), undefined, 'the second batch was collected while the third was read');
  t.equal(((await third).value as SourceRecord[]).length, 3);
});

t.test('check names the problem when the database refuses the connection', async (t) => {
  const task = sqlPull.create({ ...postgresConfig('nowhere'), port: 1 } as never, createTestContext());
  const result = await task.check();
  t.equal(result.ok, false);
  t.match(result.message, /ECONNREFUSED|connect/);
  await task.close();
});

t.test('a config with both table and query, or ORDER BY in the query, is refused naming the field', async (t) => {
  t.same(sqlPull.validate?.({ ...postgresConfig('t'), query: 'SELECT 1' } as never), [{ path: 'query', message: 'give exactly one of table and query' }]);
  t.match(sqlPull.validate?.({ ...postgresConfig('t'), table: undefined, query: 'SELECT * FROM x ORDER BY id' } as never), [{ path: 'query' }]);
});

t.test('a stacked statement smuggled past the config check is an error, never run, even one that ends the read-only transaction', async (t) => {
  const table = await postgresTable(t, 3);
  const victim = `victim_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE TABLE ${victim} (id int)`);
  t.teardown(async () => {
    await admin.query(`DROP TABLE IF EXISTS ${victim}`);
    await admin.end();
  });
  const query = `SELECT * FROM ${table}) AS x; COMMIT; INSERT INTO ${victim} VALUES (1); SELECT * FROM (SELECT * FROM ${table}`;
  await t.rejects(readAll({ ...postgresConfig(table), table: undefined, query }, 10), /multiple commands|prepared statement/);
  t.same((await admin.query(`SELECT count(*)::int AS n FROM ${victim}`)).rows, [{ n: 0 }]);
});

t.test('a MariaDB query runs read-only: a function that writes fails and writes nothing', async (t) => {
  const table = await mysqlTable(t, 2);
  const victim = `victim_${randomBytes(4).toString('hex')}`;
  const connection = await mysql.createConnection(MYSQL_URL);
  await connection.query(`CREATE TABLE ${victim} (id int)`);
  await connection.query(`CREATE FUNCTION ${victim}_write() RETURNS int MODIFIES SQL DATA BEGIN INSERT INTO ${victim} VALUES (1); RETURN 1; END`);
  t.teardown(async () => {
    await connection.query(`DROP FUNCTION IF EXISTS ${victim}_write`);
    await connection.query(`DROP TABLE IF EXISTS ${victim}`);
    await connection.end();
  });
  await t.rejects(readAll({ ...mysqlConfig(table), table: undefined, query: `SELECT s.*, ${victim}_write() AS w FROM ${table} s` }, 10), /READ ONLY|read-only/i);
  const [rows] = await connection.query(`SELECT count(*) AS n FROM ${victim}`);
  t.same(rows, [{ n: 0 }]);
});

t.test('a query is refused unless it is one SELECT: stacked, data-modifying, locking, too long or ending in LIMIT', async (t) => {
  const base = { ...postgresConfig('t'), table: undefined };
  for (const [query, message] of [
    ['SELECT 1 AS id; DELETE FROM t', /exactly one SELECT|not one SELECT/],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /not one SELECT/],
    ['SELECT * FROM t FOR UPDATE', /not one SELECT|lock/],
    ['SELECT * FROM t LIMIT 5', /ORDER BY or LIMIT/],
    [`SELECT ${'x, '.repeat(7000)}y FROM t`, /at most 20000/],
  ] as const) {
    t.match(sqlPull.validate!({ ...base, query } as never), [{ path: 'query', message }], query.slice(0, 60));
  }
  t.same(sqlPull.validate!({ ...mysqlConfig('t'), table: undefined, query: 'SELECT `a`, b FROM `t` JOIN u ON u.id = t.id WHERE x > 1' } as never), []);
  t.match(sqlPull.validate!({ ...mysqlConfig('t'), table: undefined, query: 'SELECT * FROM t FOR UPDATE' } as never), [{ path: 'query', message: /lock rows/ }]);
});
