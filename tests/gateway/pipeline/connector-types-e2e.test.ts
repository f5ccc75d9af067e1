import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import mysql from 'mysql2/promise';
import t, { type Test } from 'tap';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { bearer, buildTestApp, type TestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { waitFor } from '../../helpers/dedicated-kafka.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { provideTopic } from '../../helpers/resource.ts';

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ORGANISATION_MAPPING = { fields: { credit_code: '统一社会信用代码', name: '企业名称', legal_representative_name: '法定代表人', establishment_date: '成立日期' } };
const BAD_CODE = '91350100M000100Y44';

/** Ten companies in a department's own shape, then one with a wrong check character. */
function companies(seed: number): Record<string, string>[] {
  const fixtures = createFixtureGenerator({ seed });
  const rows = Array.from({ length: 10 }, () => {
    const organisation = fixtures.organisation();
    return { 统一社会信用代码: organisation.credit_code, 企业名称: organisation.name, 法定代表人: organisation.legal_representative_name ?? '', 成立日期: organisation.establishment_date ?? '' };
  });
  return [...rows, { 统一社会信用代码: BAD_CODE, 企业名称: '校验位错误的公司', 法定代表人: '', 成立日期: '' }];
}

async function setup(t: Test, dropRoot?: string) {
  const testApp = await buildTestApp(t, { env: { DX_SCHEDULER_HEARTBEAT_MS: '200', ...(dropRoot ? { DX_FILE_DROP_ROOT: dropRoot } : {}) } });
  const department = await createDepartment(testApp.app, testApp.adminKey, 'SCJ');
  return { ...testApp, department };
}

async function runToTopic(t: Test, { app, adminKey }: TestApp, key: string, payload: Record<string, unknown>, expected: string[]): Promise<void> {
  const topic = freshTopicName(String(payload.type));
  await provideTopic(app, adminKey, 'SCJ', topic);
  const created = await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(key), payload: { name: `${payload.type}`, schema: 'legal-person.organisation', schedule: '0 0 1 1 *', mapping: ORGANISATION_MAPPING, topic, ...payload } });
  t.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  await app.inject({ method: 'POST', url: `/api/v1/connectors/${id}/run`, headers: bearer(key) });
  const status = await waitFor(async () => (await app.inject({ url: `/api/v1/connectors/${id}/status`, headers: bearer(key) })).json(), (body) => body.lastRun && body.lastRun.status !== 'running', 60_000);
  t.match(status.lastRun, { status: 'succeeded', read: 11, published: 10, rejected: 1 }, status.lastRun.error ?? '');
  const published = await consumeTopic(topic, 10);
  t.same(published.map((message) => message.key).sort(), [...expected].sort(), 'the valid rows are on the topic, keyed by credit code');
  const dead = await consumeTopic(`${topic}.dlq`, 1);
  t.match(JSON.parse(dead[0]!.value.toString()).errors, [{ path: 'credit_code', rule: 'cn-credit-code' }]);
}

t.test('a MariaDB table lands on its topic', async (t) => {
  const testApp = await setup(t);
  const rows = companies(1);
  const table = `qy_${randomBytes(4).toString('hex')}`;
  const connection = await mysql.createConnection(MYSQL_URL);
  await connection.query(`CREATE TABLE ${table} (id int PRIMARY KEY, 统一社会信用代码 varchar(18), 企业名称 varchar(100), 法定代表人 varchar(50), 成立日期 varchar(10), gxsj datetime(6) NOT NULL) CHARACTER SET utf8mb4`);
  for (const [index, row] of rows.entries()) await connection.query(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, NOW(6))`, [index + 1, ...Object.values(row)]);
  await connection.end();
  t.teardown(async () => {
    const drop = await mysql.createConnection(MYSQL_URL);
    await drop.query(`DROP TABLE ${table}`);
    await drop.end();
  });
  const url = new URL(MYSQL_URL);
  await runToTopic(t, testApp, testApp.department.key, { type: 'sql-pull', config: { driver: 'mysql', host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: url.username, table, cursorColumn: 'gxsj', keyColumn: 'id' } }, rows.slice(0, 10).map((row) => row['统一社会信用代码']!));
});

t.test('a paginated HTTP API lands on its topic', async (t) => {
  const testApp = await setup(t);
  const rows = companies(2);
  const server = createServer((request, response) => {
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ data: { list: rows.slice((page - 1) * 4, page * 4) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const port = (server.address() as { port: number }).port;
  await runToTopic(
    t,
    testApp,
    testApp.department.key,
    { type: 'http-pull', config: { url: `http://127.0.0.1:${port}/companies`, recordsPath: 'data.list', pagination: { type: 'page', pageParam: 'page', sizeParam: 'size', pageSize: 4 } } },
    rows.slice(0, 10).map((row) => row['统一社会信用代码']!),
  );
});

function dropFolder(t: Test): { root: string; folder: string } {
  const root = mkdtempSync(join(tmpdir(), 'dx-drop-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const folder = join(root, 'SCJ', 'enterprises');
  mkdirSync(folder, { recursive: true });
  return { root, folder };
}

t.test('a GBK-encoded CSV export lands on its topic', async (t) => {
  const { root, folder } = dropFolder(t);
  const testApp = await setup(t, root);
  const rows = companies(3);
  const header = Object.keys(rows[0]!);
  const csv = [header.join(','), ...rows.map((row) => header.map((column) => row[column]).join(','))].join('\r\n');
  writeFileSync(join(folder, '企业名录.csv'), iconv.encode(csv, 'gbk'));
  await runToTopic(t, testApp, testApp.department.key, { type: 'file-drop', config: { directory: folder, encoding: 'gbk', settleMs: 0 } }, rows.slice(0, 10).map((row) => row['统一社会信用代码']!));
  t.ok(existsSync(join(folder, '企业名录.csv')), 'the file stays until the next run sees its last row committed');
});

t.test('an .xlsx workbook lands on its topic', async (t) => {
  const { root, folder } = dropFolder(t);
  const testApp = await setup(t, root);
  const rows = companies(4);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('企业');
  sheet.addRow(Object.keys(rows[0]!));
  for (const row of rows) sheet.addRow(Object.values(row));
  await workbook.xlsx.writeFile(join(folder, '企业.xlsx'));
  await runToTopic(t, testApp, testApp.department.key, { type: 'file-drop', config: { directory: folder, settleMs: 0 } }, rows.slice(0, 10).map((row) => row['统一社会信用代码']!));
});

t.test('a file-drop folder outside the drop root is refused naming the field', async (t) => {
  const testApp = await setup(t, mkdtempSync(join(tmpdir(), 'dx-root-')));
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(testApp.department.key), payload: { name: 'etc', type: 'file-drop', schema: 'legal-person.organisation', schedule: '* * * * *', mapping: ORGANISATION_MAPPING, config: { directory: '/etc' } } });
  t.equal(response.statusCode, 400);
  t.match(response.json().details, [{ path: 'config.directory', message: /drop root/ }]);
});
