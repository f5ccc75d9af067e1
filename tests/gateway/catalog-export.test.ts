import ExcelJS from 'exceljs';
import t from 'tap';
import { RESOURCE_COLUMNS, RESOURCE_SHEET } from '../../catalog/export/xlsx.ts';
import { buildCatalogApp, createResource, departmentResource } from '../catalog/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';

async function catalogueOfFive(t: Parameters<typeof buildCatalogApp>[0]) {
  const testApp = await buildCatalogApp(t);
  const department = await createDepartment(testApp.app, testApp.adminKey, 'JYJ', '市教育局');
  await createResource(testApp.app, department.key, departmentResource(1, { name: '学校基本信息', keywords: ['学校'] }));
  await createResource(testApp.app, department.key, departmentResource(2, { name: '教师资格信息', related: ['301001/000001'], updateCycle: 'irregular' }));
  return testApp;
}

t.test('the DCAT-AP export parses as JSON-LD and carries every resource of the catalogue with its mandatory properties', async (t) => {
  const { app, adminKey } = await catalogueOfFive(t);
  const response = await app.inject({ url: '/api/v1/catalog/export.jsonld', headers: bearer(adminKey) });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^application\/ld\+json/);
  const document = JSON.parse(response.body);
  t.ok(document['@context'] && Array.isArray(document['@graph']));
  const datasets = document['@graph'].filter((node: { '@type': string }) => node['@type'] === 'dcat:Dataset');
  t.same(datasets.map((dataset: Record<string, unknown>) => dataset['dct:identifier']).sort(), ['101001/000001', '102001/000001', '105001/000001', '301001/000001', '301001/000002']);
  for (const dataset of datasets) t.ok(dataset['dct:title']['@value'] && dataset['dct:description']['@value'] && dataset['dcat:distribution'].length === 1, dataset['dct:identifier']);
  const teachers = datasets.find((dataset: Record<string, unknown>) => dataset['dct:identifier'] === '301001/000002');
  t.equal(teachers['dct:accrualPeriodicity'], 'http://publications.europa.eu/resource/authority/frequency/IRREG');
  const schools = datasets.find((dataset: Record<string, unknown>) => dataset['dct:identifier'] === '301001/000001');
  t.same(teachers['dct:relation'], [schools['@id']]);
});

t.test('the spreadsheet export has the header row and one row per resource', async (t) => {
  const { app, adminKey } = await catalogueOfFive(t);
  const response = await app.inject({ url: '/api/v1/catalog/export.xlsx', headers: bearer(adminKey) });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-disposition'], /attachment; filename="catalog-\d{4}-\d{2}-\d{2}\.xlsx"/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as never);
  const sheet = workbook.getWorksheet(RESOURCE_SHEET);
  t.same((sheet?.getRow(1).values as unknown[]).slice(1), [...RESOURCE_COLUMNS]);
  const codes: unknown[] = [];
  sheet?.eachRow((row, number) => number > 1 && codes.push(row.getCell(RESOURCE_COLUMNS.indexOf('资源代码') + 1).value));
  t.same(codes, ['101001/000001', '102001/000001', '105001/000001', '301001/000001', '301001/000002']);
});

t.test('the exports take the search filters', async (t) => {
  const { app, adminKey } = await catalogueOfFive(t);
  const response = await app.inject({ url: `/api/v1/catalog/export.jsonld?kind=department&q=${encodeURIComponent('学校基本')}`, headers: bearer(adminKey) });
  const datasets = JSON.parse(response.body)['@graph'].filter((node: { '@type': string }) => node['@type'] === 'dcat:Dataset');
  t.same(datasets.map((dataset: Record<string, unknown>) => dataset['dct:title']), [{ '@value': '学校基本信息', '@language': 'zh' }]);
});
