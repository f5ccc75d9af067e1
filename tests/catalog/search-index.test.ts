import t from 'tap';
import type { IndexedResource } from '../../catalog/repository.ts';
import { createSearchIndex, type SearchQuery } from '../../catalog/search-index.ts';

let serial = 0;
function resource(fields: Partial<IndexedResource>): IndexedResource {
  serial++;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    code: `301001/${String(serial).padStart(6, '0')}`,
    name: `资源${serial}`,
    kind: 'department',
    providerCode: 'WJW',
    providerName: '市卫生健康委员会',
    summary: '',
    keywords: [],
    format: 'database',
    sharingType: 'unconditional',
    updateCycle: 'monthly',
    publishDate: '2026-01-01',
    topic: null,
    itemNames: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...fields,
  };
}

const query = (overrides: Partial<SearchQuery>): SearchQuery => ({ filters: {}, sort: 'name', order: 'asc', limit: 50, offset: 0, ...overrides });
const onTime = { lastRecords: new Map<string, number>(), nowMs: Date.parse('2026-01-01T00:00:00Z') };

function sampleIndex() {
  const index = createSearchIndex();
  const resources = [
    resource({ name: '出生医学证明信息', summary: '新生儿出生医学证明的签发记录。', itemNames: ['新生儿姓名', '出生日期', '母亲公民身份号码'], keywords: ['出生', '医学证明'] }),
    resource({ name: '婚姻登记信息', providerCode: 'MZJ', providerName: '市民政局', summary: '结婚和离婚登记记录。', itemNames: ['男方姓名', '女方姓名', '登记日期'], sharingType: 'conditional' }),
    resource({ name: '不动产登记信息', providerCode: 'ZRZYJ', providerName: '市自然资源局', summary: '不动产权利人及权属状况。', itemNames: ['不动产单元号', '权利人名称'], format: 'service-interface', sharingType: 'conditional' }),
    resource({ name: '社会保险参保信息', providerCode: 'RSJ', providerName: '市人力资源和社会保障局', summary: '职工和城乡居民的参保缴费记录。', itemNames: ['参保人姓名', '公民身份号码', '缴费基数'] }),
  ];
  index.upsert(resources);
  return { index, resources };
}

const names = (result: ReturnType<ReturnType<typeof createSearchIndex>['search']>) => result.hits.map((hit) => hit.resource.name);

t.test('a Chinese query finds a resource by a word of its name', async (t) => {
  const { index } = sampleIndex();
  t.same(names(index.search(query({ q: '婚姻' }), onTime)), ['婚姻登记信息']);
});

t.test('a Chinese query finds a resource by words of its summary', async (t) => {
  const { index } = sampleIndex();
  t.same(names(index.search(query({ q: '权属状况' }), onTime)), ['不动产登记信息']);
});

t.test('a Chinese query finds resources by an item name', async (t) => {
  const { index } = sampleIndex();
  t.same(names(index.search(query({ q: '公民身份号码' }), onTime)).sort(), ['出生医学证明信息', '社会保险参保信息'].sort());
});

t.test('every word of a query must occur, in any field', async (t) => {
  const { index } = sampleIndex();
  t.same(names(index.search(query({ q: '参保 缴费基数' }), onTime)), ['社会保险参保信息']);
  t.same(names(index.search(query({ q: '参保 婚姻' }), onTime)), []);
});

t.test('a one-character query and full-width letters are matched', async (t) => {
  const index = createSearchIndex();
  index.upsert([resource({ name: 'ＧＩＳ地图服务' }), resource({ name: '婚姻登记' })]);
  t.same(names(index.search(query({ q: '婚' }), onTime)), ['婚姻登记']);
  t.same(names(index.search(query({ q: 'gis' }), onTime)), ['ＧＩＳ地图服务']);
});

t.test('a match in the name ranks above a match in an item name', async (t) => {
  const index = createSearchIndex();
  index.upsert([resource({ name: '参保人员名单', itemNames: ['姓名'] }), resource({ name: '缴费记录', itemNames: ['参保人员编号'] })]);
  t.same(names(index.search(query({ q: '参保', sort: 'relevance', order: 'desc' }), onTime)), ['参保人员名单', '缴费记录']);
});

t.test('facet counts are counted over the filtered result', async (t) => {
  const { index } = sampleIndex();
  const result = index.search(query({ q: '登记', filters: { sharingType: ['conditional'] } }), onTime);
  t.equal(result.total, 2);
  t.same(result.facets.provider.map(({ value, count }) => [value, count]), [['MZJ', 1], ['ZRZYJ', 1]]);
  t.same(result.facets.format, [{ value: 'database', count: 1 }, { value: 'service-interface', count: 1 }]);
  t.same(result.facets.sharingType, [{ value: 'conditional', count: 2 }]);
  t.same(result.facets.freshness, [{ value: 'on-time', count: 2 }]);
});

t.test('pages over equal sort keys neither repeat nor skip a resource, in either order', async (t) => {
  const index = createSearchIndex();
  const resources = Array.from({ length: 23 }, () => resource({ name: '同名资源', publishDate: '2026-05-01' }));
  index.upsert(resources);
  for (const sort of ['name', 'publishDate', 'updated', 'freshness'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      for (let offset = 0; offset < 23; offset += 5) seen.push(...index.search(query({ sort, order, offset, limit: 5 }), onTime).hits.map((hit) => hit.resource.id));
      t.equal(seen.length, 23, `${sort} ${order}: 23 hits`);
      t.equal(new Set(seen).size, 23, `${sort} ${order}: no repeats`);
    }
  }
});

t.test('a changed resource is found by its new words and no longer by its old ones', async (t) => {
  const { index, resources } = sampleIndex();
  index.upsert([{ ...(resources[1] as IndexedResource), name: '收养登记信息', summary: '收养关系登记记录。', itemNames: ['收养人姓名'] }]);
  t.same(names(index.search(query({ q: '婚姻' }), onTime)), []);
  t.same(names(index.search(query({ q: '收养' }), onTime)), ['收养登记信息']);
  t.equal(index.size, 4);
});

t.test('the name order follows pinyin and is kept when resources change', async (t) => {
  const index = createSearchIndex();
  index.upsert([resource({ name: '住房公积金' }), resource({ name: '安全生产许可' }), resource({ name: '工商登记' })]);
  const added = resource({ name: '户籍人口' });
  index.upsert([added]);
  t.same(names(index.search(query({}), onTime)), ['安全生产许可', '工商登记', '户籍人口', '住房公积金']);
  index.upsert([{ ...added, name: '残疾人信息' }]);
  t.same(names(index.search(query({}), onTime)), ['安全生产许可', '残疾人信息', '工商登记', '住房公积金']);
});

t.test('freshness is judged per search from the last record on each topic and the time given', async (t) => {
  const index = createSearchIndex();
  const fed = resource({ name: '每日更新的资源', updateCycle: 'daily', topic: 'dx.fed' });
  const starved = resource({ name: '断更的资源', updateCycle: 'daily', topic: 'dx.starved' });
  const irregular = resource({ name: '不定期资源', updateCycle: 'irregular' });
  index.upsert([fed, starved, irregular]);
  const nowMs = Date.parse('2026-03-10T00:00:00Z');
  const freshness = { lastRecords: new Map([['dx.fed', nowMs - 3_600_000], ['dx.starved', nowMs - 3 * 86_400_000]]), nowMs };
  t.same(names(index.search(query({ filters: { freshness: ['stale'] } }), freshness)), ['断更的资源']);
  t.same(index.search(query({ sort: 'freshness', order: 'desc' }), freshness).hits.map((hit) => [hit.resource.name, hit.freshnessRank]), [['断更的资源', 2], ['不定期资源', 0], ['每日更新的资源', 0]]);
  t.same(index.search(query({}), freshness).facets.freshness, [{ value: 'on-time', count: 2 }, { value: 'stale', count: 1 }]);
});

t.test('a result says until when it holds, and the freshness signature changes when a resource with records changes rank', async (t) => {
  const index = createSearchIndex();
  const fed = resource({ name: '每日更新的资源', updateCycle: 'daily', topic: 'dx.fed' });
  index.upsert([fed, resource({ name: '不定期资源', updateCycle: 'irregular' })]);
  const lastRecord = Date.parse('2026-03-10T00:00:00Z');
  const at = (hours: number) => ({ lastRecords: new Map([['dx.fed', lastRecord]]), nowMs: lastRecord + hours * 3_600_000 });
  t.equal(index.search(query({}), at(1)).validUntilMs, lastRecord + 24 * 3_600_000, 'until the fed resource turns late');
  t.equal(index.search(query({}), at(30)).validUntilMs, lastRecord + 48 * 3_600_000, 'then until it turns stale');
  t.equal(index.freshnessSignature(at(1)), index.freshnessSignature(at(20)), 'no rank changed');
  t.not(index.freshnessSignature(at(1)), index.freshnessSignature(at(30)), 'on time became late');
  t.equal(index.freshnessSignature({ lastRecords: new Map(), nowMs: lastRecord }), '', 'only resources with records are in it');
});
