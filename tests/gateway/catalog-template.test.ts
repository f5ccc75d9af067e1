import { readdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { pino } from 'pino';
import { runner } from 'node-pg-migrate';
import t from 'tap';
import { RESOURCE_COLUMNS, RESOURCE_SHEET } from '../../catalog/export/xlsx.ts';
import { migrate, MIGRATIONS_DIR } from '../../gateway/db/migrate.ts';
import { buildCreditCode } from '../../schemas/fixtures/codes.ts';
import { buildCatalogApp, createResource, departmentResource } from '../catalog/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { createDepartment } from '../helpers/department.ts';

const PROVIDER_CREDIT_CODE = buildCreditCode('1', '1', '350100', 'MA000000X');

function post(app: Awaited<ReturnType<typeof buildCatalogApp>>['app'], key: string, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(key), payload: body });
}

t.test('resource codes take the guide’s shapes: 1, 3, 6 or more digits before the slash', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  for (const [index, code] of ['3/000001', '301/000002', '301001/000003', '30100101/000004'].entries()) {
    t.equal((await post(app, department.key, departmentResource(index, { code }))).statusCode, 201, code);
  }
  for (const code of ['3010/1', '30/1', '30100/1', '1012/1', '301001/', '301001']) {
    const response = await post(app, department.key, departmentResource(9, { code }));
    t.equal(response.statusCode, 400, code);
    t.match(response.json().details, [{ path: 'code' }], code);
  }
});

t.test('the format type must be a type of its format class', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const created = await createResource(app, department.key, departmentResource(1, { format: 'database', formatType: 'Oracle' }));
  t.match(created, { format: 'database', formatType: 'Oracle' });
  t.match(await createResource(app, department.key, departmentResource(2, { format: 'electronic-file', formatType: 'OFD' })), { formatType: 'OFD' });
  t.match(await createResource(app, department.key, departmentResource(3)), { formatType: null }, 'the type may be left out');
  const wrong = await post(app, department.key, departmentResource(4, { format: 'database', formatType: 'XLSX' }));
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json().details, [{ path: 'formatType', message: /is not a type of format database \(types: Oracle, MySQL/ }]);
});

t.test('sharing methods are the template’s 库表, 接口 and 文件 of the shared platform; subscription is no longer one', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const old = await post(app, department.key, departmentResource(1, { sharing: { type: 'unconditional', methods: ['subscription'] } }));
  t.equal(old.statusCode, 400);
  t.match(old.json().details, [{ path: 'sharing.methods[0]', message: /database-table, interface, file/ }]);
  t.match(await createResource(app, department.key, departmentResource(2, { sharing: { type: 'unconditional', methods: ['database-table', 'interface', 'file'] } })), { sharing: { methods: ['database-table', 'interface', 'file'] } });
  const vocabulary = (await app.inject({ url: '/api/v1/catalog/vocabulary', headers: bearer(department.key) })).json();
  t.same(Object.fromEntries(Object.entries(vocabulary.sharingMethods).map(([method, label]) => [method, (label as { zh: string }).zh])), { 'database-table': '库表', interface: '接口', file: '文件' });
  t.same(vocabulary.sharingMethodClasses, { platform: { zh: '共享平台方式', en: 'Through the shared platform' } });
  t.ok(vocabulary.formatTypes.database.includes('Oracle') && vocabulary.formatTypes['electronic-file'].includes('OFD'));
  const base = (await app.inject({ url: '/api/v1/catalog/resources?kind=base', headers: bearer(adminKey) })).json().items[0];
  const full = (await app.inject({ url: `/api/v1/catalog/resources/${base.id}`, headers: bearer(adminKey) })).json();
  t.match(full, { sharing: { methods: ['database-table', 'interface'] }, format: 'database', formatType: 'PostgreSQL', providerCreditCode: null });
});

t.test('the provider’s credit code is checked in full and kept beside the department code', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const good = PROVIDER_CREDIT_CODE;
  const created = await createResource(app, department.key, departmentResource(1, { providerCreditCode: good }));
  t.match(created, { providerCode: 'JYJ', providerCreditCode: good });
  const cases: [string, RegExp][] = [
    [good.slice(0, 17) + (good.endsWith('0') ? '1' : '0'), /wrong check character/],
    [buildCreditCode('1', '1', '000000', 'MA000000X'), /division code/],
    [good.toLowerCase(), /must match pattern/],
    ['JYJ', /must match pattern/],
  ];
  for (const [code, message] of cases) {
    const response = await post(app, department.key, departmentResource(2, { providerCreditCode: code }));
    t.equal(response.statusCode, 400, code);
    t.match(response.json().details, [{ path: 'providerCreditCode', message }], code);
  }
});

t.test('the spreadsheet export carries the credit code, the format type and the sharing method class and type', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const code = PROVIDER_CREDIT_CODE;
  await createResource(app, department.key, departmentResource(1, { providerCreditCode: code, format: 'spreadsheet', formatType: 'XLSX', sharing: { type: 'unconditional', methods: ['database-table', 'file'] } }));
  const response = await app.inject({ url: '/api/v1/catalog/export.xlsx', headers: bearer(adminKey) });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as never);
  const sheet = workbook.getWorksheet(RESOURCE_SHEET);
  let row: unknown[] = [];
  sheet?.eachRow((candidate, number) => {
    if (number > 1 && candidate.getCell(RESOURCE_COLUMNS.indexOf('资源代码') + 1).value === '301001/000001') row = (candidate.values as unknown[]).slice(1);
  });
  const cell = (column: (typeof RESOURCE_COLUMNS)[number]) => row[RESOURCE_COLUMNS.indexOf(column)];
  t.equal(cell('资源提供方代码'), 'JYJ');
  t.equal(cell('资源提供方统一社会信用代码'), code);
  t.equal(cell('资源格式分类'), '电子表格');
  t.equal(cell('资源格式类型'), 'XLSX');
  t.equal(cell('共享方式分类'), '共享平台方式');
  t.equal(cell('共享方式类型'), '库表；文件');
  const dcat = JSON.parse((await app.inject({ url: '/api/v1/catalog/export.jsonld', headers: bearer(adminKey) })).body);
  const dataset = dcat['@graph'].find((node: Record<string, unknown>) => node['dct:identifier'] === '301001/000001');
  t.equal(dataset['dct:publisher']['dct:identifier'], code, 'DCAT names the publisher by its credit code');
});

t.test('migration 0011 moves existing entries to the template’s values, each with a new version in its history', async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const silent = pino({ level: 'silent' });
  await migrate(client, silent);
  // Back to before 0011 (and whatever came after it), to lay out entries as they were.
  await runner({ dbClient: client, dir: MIGRATIONS_DIR, direction: 'down', count: readdirSync(MIGRATIONS_DIR).filter((name) => name >= '0011').length, migrationsTable: 'dx_migrations', logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
  const creditCode = PROVIDER_CREDIT_CODE;
  const insert = async (code: string, providerCode: string, methods: string[]) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO catalog_resources (code, name, kind, provider_code, provider_name, summary, format, items, sharing, open, update_cycle, publish_date, revision)
       VALUES ($1, '旧资源', 'department', $2, '市教育局', '迁移前的资源。', 'database', '[{"name":"学校名称","canonicalField":null,"dataType":"string","sensitivity":1,"masking":"none","shareable":true,"description":null}]',
         $3, '{"open":false,"condition":null}', 'monthly', '2026-01-01', 1) RETURNING id`,
      [code, providerCode, JSON.stringify({ type: 'unconditional', condition: null, methods })],
    );
    return (rows[0] as { id: string }).id;
  };
  const legacy = await insert('301001/000001', creditCode, ['subscription', 'interface', 'database-table']);
  const untouched = await insert('301001/000002', 'JYJ', ['interface']);
  await migrate(client, silent);

  const { app, adminKey } = await buildCatalogApp(t, {}, { databaseUrl });
  const migrated = (await app.inject({ url: `/api/v1/catalog/resources/${legacy}`, headers: bearer(adminKey) })).json();
  t.match(migrated, { version: 2, providerCode: creditCode, providerCreditCode: creditCode, sharing: { methods: ['database-table', 'interface'] } });
  const history = (await app.inject({ url: `/api/v1/catalog/resources/${legacy}/history`, headers: bearer(adminKey) })).json();
  t.match(history.items[0], { version: 2, change: 'updated', changedFields: ['providerCreditCode', 'sharing'], principal: null, document: { sharing: { methods: ['database-table', 'interface'] } } });
  t.match((await app.inject({ url: `/api/v1/catalog/resources/${untouched}`, headers: bearer(adminKey) })).json(), { version: 1, providerCreditCode: null, sharing: { methods: ['interface'] } });
  const search = (await app.inject({ url: '/api/v1/catalog/resources?q=旧资源', headers: bearer(adminKey) })).json();
  t.equal(search.total, 2, 'both are found by search');
});
