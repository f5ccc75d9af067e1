import { randomBytes } from 'node:crypto';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { createPersonSourceTable, SOURCE_READER } from '../helpers/person-source.ts';
import { asAdmin, testConnector } from './sql-connector.ts';

t.test('stacked statements in a query are refused naming the field, and nothing is written', async (t) => {
  const { app, adminKey, databaseUrl } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJG');
  const source = await createPersonSourceTable(t, 3, 0);
  const before = await asAdmin('SELECT count(*)::int AS n FROM principals', databaseUrl);
  for (const query of [
    `SELECT 1 AS id; INSERT INTO principals (kind, name) VALUES ('office', 'forged')`,
    `SELECT * FROM ${source.table}) AS x; COMMIT; INSERT INTO principals (kind, name) VALUES ('office', 'forged'); SELECT * FROM (SELECT 1`,
  ]) {
    const attack = await testConnector(app, adminKey, department, 'sql-pull', { ...source.connection, table: undefined, query });
    t.equal(attack.created, 400, query);
    t.match(attack.body, { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'query' }] });
  }
  t.same(await asAdmin('SELECT count(*)::int AS n FROM principals', databaseUrl), before);
});

t.test('a data-modifying CTE or a locking SELECT is refused naming the field', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJG');
  const source = await createPersonSourceTable(t, 3, 0);
  for (const query of [`WITH gone AS (DELETE FROM ${source.table} RETURNING *) SELECT * FROM gone`, `SELECT * FROM ${source.table} FOR UPDATE`, `SELECT * INTO stolen FROM ${source.table}`]) {
    const attack = await testConnector(app, adminKey, department, 'sql-pull', { ...source.connection, table: undefined, query });
    t.equal(attack.created, 400, query);
    t.match(attack.body, { details: [{ path: 'query' }] });
  }
  t.same(await asAdmin(`SELECT count(*)::int AS n FROM ${source.table}`), [{ n: 3 }]);
});

t.test('a query calling a function that writes cannot change data: it runs read-only', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJG');
  const source = await createPersonSourceTable(t, 3, 0);
  const suffix = randomBytes(4).toString('hex');
  const [victim, writer] = [`victim_${suffix}`, `dx_write_${suffix}`];
  // SECURITY DEFINER: the reader could write through it if the transaction were not read-only.
  await asAdmin(`CREATE TABLE ${victim} (at timestamptz);
    CREATE FUNCTION ${writer}() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'INSERT INTO ${victim} VALUES (now()) RETURNING 1';
    GRANT EXECUTE ON FUNCTION ${writer}() TO ${SOURCE_READER}`);
  t.teardown(() => asAdmin(`DROP FUNCTION IF EXISTS ${writer}(); DROP TABLE IF EXISTS ${victim}`));
  const attack = await testConnector(app, adminKey, department, 'sql-pull', { ...source.connection, table: undefined, query: `SELECT s.*, ${writer}() AS written FROM ${source.table} s` });
  t.equal(attack.created, 201);
  t.match(attack.test.check, { ok: false, message: /read-only transaction/ });
  t.same(await asAdmin(`SELECT count(*)::int AS n FROM ${victim}`), [{ n: 0 }]);
});
