import ExcelJS from 'exceljs';
import t from 'tap';
import { BASE_RESOURCES, baseResourceDocument } from '../../catalog/base-resources.ts';
import { toDcat } from '../../catalog/export/dcat.ts';
import { ITEM_COLUMNS, ITEM_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET, toWorkbook } from '../../catalog/export/xlsx.ts';
import type { Resource } from '../../catalog/model.ts';

function resources(): Resource[] {
  return BASE_RESOURCES.map((base, index) => ({
    id: `00000000-0000-4000-8000-00000000000${index}`,
    ...baseResourceDocument(base, '2026-03-01'),
    version: 1,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    createdBy: null,
    updatedBy: null,
  }));
}

const options = { baseUrl: 'https://dx.example.gov.cn/', title: '政务信息资源目录', description: '目录', publisher: '市数据局', modified: new Date('2026-03-02T00:00:00Z') };

t.test('the DCAT-AP export is JSON with a context and a graph holding one catalogue that lists every dataset', async (t) => {
  const document = JSON.parse(JSON.stringify(toDcat(resources(), options)));
  t.equal(document['@context'].dcat, 'http://www.w3.org/ns/dcat#');
  t.equal(document['@context'].dct, 'http://purl.org/dc/terms/');
  const catalogues = document['@graph'].filter((node: { '@type': string }) => node['@type'] === 'dcat:Catalog');
  t.equal(catalogues.length, 1);
  t.match(catalogues[0], { 'dct:title': { '@value': String }, 'dct:description': { '@value': String }, 'dct:publisher': { 'foaf:name': Object } });
  const datasets = document['@graph'].filter((node: { '@type': string }) => node['@type'] === 'dcat:Dataset');
  t.same(datasets.map((dataset: Record<string, unknown>) => dataset['@id']).sort(), [...catalogues[0]['dcat:dataset']].sort());
  t.same(datasets.map((dataset: Record<string, unknown>) => dataset['dct:identifier']), ['101001/000001', '102001/000001', '105001/000001']);
});

t.test('every dataset carries the mandatory and the asked-for DCAT-AP properties and a distribution with an access URL', async (t) => {
  const graph = toDcat(resources(), options)['@graph'] as Record<string, any>[];
  const byId = new Map(graph.map((node) => [node['@id'], node]));
  for (const dataset of graph.filter((node) => node['@type'] === 'dcat:Dataset')) {
    t.match(dataset, {
      'dct:title': { '@value': /\S/, '@language': 'zh' },
      'dct:description': { '@value': /\S/ },
      'dct:identifier': /^\d+\/\d+$/,
      'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': { '@value': /\S/ } },
      'dct:accrualPeriodicity': 'http://publications.europa.eu/resource/authority/frequency/DAILY',
    }, dataset['dct:identifier']);
    t.ok(dataset['dcat:keyword'].length > 0, 'keywords');
    t.ok(dataset['@id'].startsWith('https://dx.example.gov.cn/api/v1/catalog/resources/'), 'the IRI is built on the base URL');
    const distribution = byId.get(dataset['dcat:distribution'][0]);
    t.match(distribution, {
      '@type': 'dcat:Distribution',
      'dcat:accessURL': /^https:\/\//,
      'dct:format': 'http://publications.europa.eu/resource/authority/file-type/JSON',
      'dcat:mediaType': 'http://www.iana.org/assignments/media-types/application/json',
    });
  }
});

t.test('the spreadsheet has the national header row and one row per resource, and one row per item on the item sheet', async (t) => {
  const workbook = new ExcelJS.Workbook();
  const all = resources();
  await workbook.xlsx.load((await toWorkbook(all)) as never);
  const sheet = workbook.getWorksheet(RESOURCE_SHEET);
  t.ok(sheet);
  t.same((sheet?.getRow(1).values as unknown[]).slice(1), [...RESOURCE_COLUMNS]);
  t.ok(RESOURCE_COLUMNS.includes('资源代码') && RESOURCE_COLUMNS.includes('共享类型') && RESOURCE_COLUMNS.includes('更新周期'));
  t.equal(sheet?.actualRowCount, 1 + all.length);
  const population = (sheet?.getRow(2).values as unknown[]).slice(1);
  t.equal(population[RESOURCE_COLUMNS.indexOf('资源代码')], '101001/000001');
  t.equal(population[RESOURCE_COLUMNS.indexOf('共享类型')], '无条件共享');
  t.match(population[RESOURCE_COLUMNS.indexOf('信息项')], /^公民身份号码（字符型）；姓名（字符型）/);
  const items = workbook.getWorksheet(ITEM_SHEET);
  t.same((items?.getRow(1).values as unknown[]).slice(1), [...ITEM_COLUMNS]);
  t.equal(items?.actualRowCount, 1 + all.reduce((sum, resource) => sum + resource.items.length, 0));
});
