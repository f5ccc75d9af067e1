import { randomBytes } from 'node:crypto';
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { ADMIN_DATABASE_URL } from '../helpers/database.ts';
import { createDepartment } from '../helpers/department.ts';
import { createPersonSourceTable } from '../helpers/person-source.ts';
import { asAdmin, databaseName, testConnector } from './sql-connector.ts';

const server = new URL(ADMIN_DATABASE_URL);
const onGatewayServer = { driver: 'postgres', host: server.hostname, port: Number(server.port || 5432), cursorColumn: 'id', keyColumn: 'id' };

t.test("a connector aimed at the gateway's own database is refused, and its test answers none of the gateway's rows", async (t) => {
  const { app, adminKey, databaseUrl } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJG');
  const attack = await testConnector(app, adminKey, department, 'sql-pull', { ...onGatewayServer, database: databaseName(databaseUrl), user: 'postgres', table: 'gateway_secrets', cursorColumn: 'name', keyColumn: 'name' });
  t.equal(attack.created, 201);
  t.match(attack.test.check, { ok: false, message: /is refused: database dx_test_\w+ is the gateway's own/ });
  t.same(attack.test.records, []);
});

t.test("a superuser login on the gateway's PostgreSQL server is refused, even to another database", async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJG');
  const source = await createPersonSourceTable(t, 3, 0);
  const attack = await testConnector(app, adminKey, department, 'sql-pull', { ...source.connection, user: 'postgres' });
  t.match(attack.test.check, { ok: false, message: /postgres is a superuser/ });
  t.same(attack.test.records, []);
  const allowed = await testConnector(app, adminKey, department, 'sql-pull', source.connection);
  t.match(allowed.test.check, { ok: true }, 'the same source, read by a role that reads only it');
});

t.test("a role that can read the gateway's tables is refused on its server", async (t) => {
  const { app, adminKey, databaseUrl } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJG');
  const source = await createPersonSourceTable(t, 3, 0);
  const role = `dx_leaky_${randomBytes(4).toString('hex')}`;
  await asAdmin(`CREATE ROLE ${role} LOGIN; GRANT SELECT ON ${source.table} TO ${role}`);
  t.teardown(async () => {
    await asAdmin(`REVOKE ALL ON principals FROM ${role}`, databaseUrl).catch(() => undefined);
    await asAdmin(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`);
  });
  await asAdmin(`GRANT SELECT ON principals TO ${role}`, databaseUrl);
  const attack = await testConnector(app, adminKey, department, 'sql-pull', { ...source.connection, user: role });
  t.match(attack.test.check, { ok: false, message: new RegExp(`${role} can read its tables`) });
  t.same(attack.test.records, []);
});
