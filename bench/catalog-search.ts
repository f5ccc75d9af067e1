import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { pino } from 'pino';
import type { InformationItem, ResourceDocument } from '../catalog/model.ts';
import { createCatalogRepository } from '../catalog/repository.ts';
import { createSearchIndex } from '../catalog/search-index.ts';
import { RESOURCE_FORMATS, UPDATE_CYCLES } from '../catalog/vocabulary.ts';
import { ensureLocalKafka } from '../gateway/kafka/local-broker/local-kafka.ts';
import { createPrincipalStore } from '../gateway/auth/principal-store.ts';
import { migrate } from '../gateway/db/migrate.ts';
import { createDb } from '../gateway/plugins/db.ts';
import { createDatabase, newAdminKey } from './context.ts';
import { startBenchGateway } from './gateway-process.ts';
import { openLoop as sendOpenLoop } from './open-loop.ts';

// Catalogue search under load: N generated resources in a fresh database, the gateway in its own process, and a
// mix of realistic searches sent open-loop at a fixed rate (one every 1/rate s, latency counted from when it was
// due, so a slow answer cannot hold back the next request), then by autocannon as fast as it can.
// (autocannon's own fixed rate is not used: each connection sends flat out until its quota for the second is used,
// then waits, which is bursts rather than a rate.)
// Each open loop follows WARMUP_SECONDS of the same kind of load, not counted.
// Run: npx tsx bench/catalog-search.ts [--resources 10000] [--rate 1000] [--seconds 20] [--connections 20] [--keep | --database <url>]

const { values } = parseArgs({
  options: {
    resources: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '20' },
    /** Keep the generated database (its URL is printed) to run again on it with --database. */
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const RESOURCES = Number(values.resources);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
/** Open-loop seconds sent before each measured open loop and not counted: a steady state is what is measured. */
const WARMUP_SECONDS = 5;
const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

const DEPARTMENTS = [
  ['GAJ', '市公安局'], ['MZJ', '市民政局'], ['RSJ', '市人力资源和社会保障局'], ['ZJJ', '市住房和城乡建设局'], ['JYJ', '市教育局'],
  ['WJW', '市卫生健康委员会'], ['SCJ', '市市场监督管理局'], ['SWJ', '市税务局'], ['ZRZYJ', '市自然资源和规划局'], ['JTJ', '市交通运输局'],
  ['SFJ', '市司法局'], ['CZJ', '市财政局'], ['STHJJ', '市生态环境局'], ['SLJ', '市水利局'], ['NYNCJ', '市农业农村局'],
  ['WLJ', '市文化广电旅游局'], ['YJJ', '市应急管理局'], ['YBJ', '市医疗保障局'], ['TYJRJ', '市退役军人事务局'], ['GJJ', '市住房公积金管理中心'],
  ['CGJ', '市城市管理局'], ['TJJ', '市统计局'], ['FGW', '市发展和改革委员会'], ['GXJ', '市工业和信息化局'], ['SWJ2', '市商务局'],
  ['KJJ', '市科学技术局'], ['TYJ', '市体育局'], ['MZZJ', '市民族宗教事务局'], ['DAJ', '市档案馆'], ['QXJ', '市气象局'],
] as const;
const SUBJECTS = [
  '学校', '幼儿园', '医疗机构', '医师', '护士', '药品零售企业', '食品经营', '餐饮服务', '建筑施工企业', '房屋', '不动产', '商品房预售',
  '住房公积金', '社会保险', '失业保险', '工伤认定', '最低生活保障', '特困人员', '残疾人', '婚姻', '收养', '殡葬', '社会组织', '养老机构',
  '退役军人', '优抚对象', '机动车', '驾驶人', '道路运输', '出租汽车', '排污许可', '环境监测', '水质监测', '取水许可', '农药经营', '种子生产',
  '旅行社', '文物保护单位', '安全生产', '危险化学品', '特种设备', '计量器具', '专利', '高新技术企业', '纳税信用', '发票', '政府采购',
  '法律援助', '人民调解', '律师事务所', '公证', '户籍', '居住证', '出入境', '体育场馆', '档案', '气象灾害', '城市照明', '户外广告',
] as const;
const SUFFIXES = ['登记信息', '许可信息', '备案信息', '基本信息', '名录', '统计数据', '监测数据', '审批结果', '行政处罚信息', '年度检验信息', '变更记录', '注销信息'] as const;
const ITEMS = [
  '名称', '统一社会信用代码', '公民身份号码', '姓名', '性别', '出生日期', '联系电话', '地址', '行政区划代码', '登记日期', '登记机关', '有效期起始日期',
  '有效期截止日期', '状态', '许可证编号', '审批机关', '审批日期', '法定代表人', '经营范围', '注册资本', '从业人员数', '备注', '处罚决定书文号', '处罚内容',
] as const;
const DISTRICTS = ['', '', '', '鼓楼区', '台江区', '仓山区', '晋安区', '马尾区', '长乐区', '闽侯县'] as const;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(count: number): ResourceDocument[] {
  const next = random(20260301);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, (_, index) => {
    const [providerCode, providerName] = pick(DEPARTMENTS);
    const subject = pick(SUBJECTS);
    const suffix = pick(SUFFIXES);
    const roll = next();
    const kind = roll < 0.05 ? 'base' : roll < 0.2 ? 'theme' : 'department';
    const classDigit = { base: '1', theme: '2', department: '3' }[kind];
    const itemCount = 5 + Math.floor(next() * 16);
    const itemNames = [...new Set(Array.from({ length: itemCount }, () => (next() < 0.3 ? `${subject}${pick(ITEMS)}` : pick(ITEMS))))];
    const items: InformationItem[] = itemNames.map((name) => ({
      name,
      canonicalField: null,
      dataType: name.includes('日期') ? 'date' : 'string',
      sensitivity: name.includes('身份号码') ? 4 : name.includes('姓名') || name.includes('地址') ? 3 : name.includes('名称') ? 1 : 2,
      masking: name.includes('身份号码') || name.includes('姓名') ? 'partial' : 'none',
      shareable: true,
      description: null,
    }));
    const sharing = next();
    const sharingType = sharing < 0.6 ? 'unconditional' : sharing < 0.9 ? 'conditional' : 'not-shared';
    const published = new Date(Date.UTC(2023, 0, 1) + Math.floor(next() * 3 * 365) * 86_400_000);
    return {
      code: `${classDigit}${String(DEPARTMENTS.findIndex(([code]) => code === providerCode) + 10)}${String(SUBJECTS.indexOf(subject) + 100)}/${String(index + 1).padStart(6, '0')}`,
      name: `${pick(DISTRICTS)}${subject}${suffix}`,
      kind,
      providerCode,
      providerName,
      providerCreditCode: null,
      summary: `记录本市${subject}的${suffix.replace(/信息$/, '')}情况，由${providerName}维护，包括${itemNames.slice(0, 3).join('、')}等信息项。`,
      keywords: [subject, suffix.replace(/信息$/, '')],
      format: pick(RESOURCE_FORMATS),
      formatType: null,
      items,
      sharing: {
        type: sharingType,
        condition: sharingType === 'conditional' ? '仅限办理相关政务服务事项时使用' : sharingType === 'not-shared' ? '依据《中华人民共和国保守国家秘密法》不予共享' : null,
        methods: sharingType === 'not-shared' ? [] : ['interface'],
      },
      open: { open: sharingType === 'unconditional' && next() < 0.3, condition: null },
      updateCycle: pick(UPDATE_CYCLES),
      publishDate: published.toISOString().slice(0, 10),
      related: [],
      topic: null,
      schemaSubject: null,
    };
  });
}

const QUERIES = [
  '', 'q=登记', 'q=许可', 'q=学校', 'q=医疗机构', 'q=社会保险', 'q=公积金', 'q=不动产登记', 'q=企业', 'q=公民身份号码', 'q=法定代表人',
  'q=婚姻 登记', 'q=鼓楼区', 'q=行政处罚', 'q=排污许可 名录', 'q=人口', 'q=营业执照', 'q=养老', 'q=特种设备 年度检验',
  'kind=department&sharingType=conditional', 'provider=WJW', 'q=登记&kind=theme', 'q=许可&sort=publishDate', 'sort=freshness',
  'q=信息&offset=200&limit=20', 'updateCycle=daily&format=database', 'q=学校&provider=JYJ&sort=updated', 'q=机动车 驾驶人',
];

type Indexed = Awaited<ReturnType<ReturnType<typeof createCatalogRepository>['changedSince']>>['resources'];

async function seed(url: string, documents: ResourceDocument[]): Promise<{ seconds: number; resources: Indexed }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await migrate(client, pino({ level: 'silent' }));
  await client.end();
  const db = createDb({ url, poolSize: 2 });
  const repository = createCatalogRepository(db);
  const started = performance.now();
  for (let start = 0; start < documents.length; start += 500) {
    await db.transaction(async (transaction) => {
      for (const document of documents.slice(start, start + 500)) await repository.create(document, null, transaction);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const { resources } = await repository.changedSince('0');
  await db.pool.end();
  return { seconds, resources };
}

const table: string[][] = [];

/** The index as the gateway builds it, timed in this process: the search cost without HTTP, auth and the database. */
function inProcess(resources: Indexed): void {
  const index = createSearchIndex();
  const built = performance.now();
  index.upsert(resources);
  const buildMs = performance.now() - built;
  const heap = process.memoryUsage().heapUsed;
  const timings: number[] = [];
  const freshness = { lastRecords: new Map<string, number>(), nowMs: Date.now() };
  for (let round = 0; round < 50; round++) {
    for (const query of QUERIES) {
      const params = new URLSearchParams(query);
      const started = performance.now();
      index.search({
        q: params.get('q') ?? undefined,
        filters: { kind: params.getAll('kind'), provider: params.getAll('provider'), sharingType: params.getAll('sharingType'), updateCycle: params.getAll('updateCycle'), format: params.getAll('format') },
        sort: (params.get('sort') as 'name') ?? (params.get('q') ? 'relevance' : 'name'),
        order: 'asc',
        limit: Number(params.get('limit') ?? 50),
        offset: Number(params.get('offset') ?? 0),
      }, freshness);
      timings.push(performance.now() - started);
    }
  }
  timings.sort((a, b) => a - b);
  const at = (fraction: number) => (timings[Math.min(timings.length - 1, Math.floor(fraction * timings.length))] as number).toFixed(3);
  table.push(['index only (in process, no HTTP)', `${(1000 / (timings.reduce((a, b) => a + b, 0) / timings.length)).toFixed(0)} searches/s`, `${at(0.5)} ms`, `${at(0.99)} ms`, `build ${buildMs.toFixed(0)} ms, heap ${(heap / 2 ** 20).toFixed(0)} MB, ${timings.length} searches`]);
}

const toPath = (query: string) => `/api/v1/catalog/resources?${query.split('&').map((part) => part.replace(/=(.*)$/, (_, value: string) => `=${encodeURIComponent(value)}`)).join('&')}`;

function searchPaths(): string[] {
  return QUERIES.map(toPath);
}

/**
 * Two sets of different searches (words, filters, sorts and pages drawn at random; none in both), so that no
 * answer comes from the cache: the first to warm up with, the second to measure.
 */
function distinctPaths(warmup: number, count: number): [string[], string[]] {
  const next = random(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const words = [...SUBJECTS, ...SUFFIXES.map((suffix) => suffix.replace(/信息$/, '')), ...ITEMS, ...DISTRICTS.filter(Boolean)];
  const paths = new Set<string>();
  while (paths.size < warmup + count) {
    const parts = [`q=${pick(words)}${next() < 0.3 ? ` ${pick(words)}` : ''}`];
    if (next() < 0.3) parts.push(`kind=${pick(['base', 'theme', 'department'])}`);
    if (next() < 0.2) parts.push(`provider=${pick(DEPARTMENTS)[0]}`);
    if (next() < 0.3) parts.push(`sort=${pick(['name', 'publishDate', 'updated', 'freshness'])}`);
    parts.push(`offset=${Math.floor(next() * 10) * 20}`);
    paths.add(toPath(parts.join('&')));
  }
  const all = [...paths];
  return [all.slice(0, warmup), all.slice(warmup)];
}

interface LoadResult {
  server?: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  bad: number;
}

/** Requests of the search route the gateway itself timed, by upper bound (seconds), from its /metrics. */
async function serverTimings(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^dx_http_request_duration_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
    const labels = match[1] as string;
    if (!labels.includes('route="/api/v1/catalog/resources"') || !labels.includes('method="GET"')) continue;
    const bound = /le="([^"]+)"/.exec(labels)?.[1] as string;
    counts.set(bound, (counts.get(bound) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** Share of the requests between two /metrics readings that the gateway answered within 5 and 10 ms. */
function serverShare(before: Map<string, number>, after: Map<string, number>): string {
  const delta = (bound: string) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const all = delta('+Inf');
  const share = (bound: string) => `${((100 * delta(bound)) / all).toFixed(2)}%`;
  return `gateway-timed: ${share('0.005')} ≤ 5 ms, ${share('0.01')} ≤ 10 ms`;
}

/** Open loop: request i is due at start + i/rate; its latency runs from when it was due to the end of its answer. */
async function openLoop(url: string, key: string, options: { rate: number; seconds: number; paths: string[] }): Promise<LoadResult> {
  const { paths } = options;
  const { rps, p50, p99, max, ok, bad } = await sendOpenLoop(url, key, { rate: options.rate, seconds: options.seconds, request: (index) => ({ method: 'GET', path: paths[index % paths.length] as string }) });
  return { rps, p50, p99, max, ok, bad };
}

/** Closed loop: autocannon's connections each send the next request as soon as the last is answered. */
async function closedLoop(url: string, key: string, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${key}` },
    requests: searchPaths().map((path) => ({ method: 'GET', path })),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, ok: result['2xx'], bad: result.non2xx + result.errors + result.timeouts };
}

const brokers = process.env.KAFKA_BROKERS ?? (await ensureLocalKafka()).brokers.join(',');
const database = values.database ? { url: values.database, drop: async () => undefined } : await createDatabase();
try {
  if (values.database) {
    log('reusing the given database; timing the index in process');
    const db = createDb({ url: database.url, poolSize: 1 });
    inProcess((await createCatalogRepository(db).changedSince('0')).resources);
    await db.pool.end();
  } else {
    log(`generating ${RESOURCES} resources in ${new URL(database.url).pathname.slice(1)}`);
    const seeded = await seed(database.url, generate(RESOURCES));
    log(`seeded in ${seeded.seconds.toFixed(1)} s; timing the index in process`);
    inProcess(seeded.resources);
  }
  log('starting the gateway');
  const adminKey = newAdminKey();
  const db = createDb({ url: database.url, poolSize: 1 });
  const principals = createPrincipalStore(db);
  const office = await principals.create({ kind: 'office', name: `bench-office-${adminKey.slice(-8)}` }, null);
  await principals.insertKey(db.pool as never, office.id, adminKey, { label: 'catalog search benchmark' });
  await db.pool.end();
  const started = performance.now();
  const gateway = await startBenchGateway({ DATABASE_URL: database.url, KAFKA_BROKERS: brokers, DX_RATE_LIMIT_PER_MINUTE: '1000000' });
  const startSeconds = (performance.now() - started) / 1000;
  try {
    const probe = await fetch(`${gateway.url}/api/v1/catalog/resources?q=${encodeURIComponent('登记')}`, { headers: { authorization: `Bearer ${adminKey}` } });
    const body = (await probe.json()) as { total: number };
    log(`gateway ready in ${startSeconds.toFixed(1)} s; '登记' matches ${body.total} resources; warming up`);
    await closedLoop(gateway.url, adminKey, { connections: CONNECTIONS, seconds: 3 });
    // The open-loop client warms up too (its connections, the gateway's code paths at this rate); not counted.
    await openLoop(gateway.url, adminKey, { rate: RATE, seconds: WARMUP_SECONDS, paths: searchPaths() });
    log(`open loop: ${RATE} requests/s for ${SECONDS} s`);
    const timed = async (run: () => Promise<LoadResult>) => {
      const before = await serverTimings(gateway.url);
      const result = await run();
      return { ...result, server: serverShare(before, await serverTimings(gateway.url)) };
    };
    const fixed = await timed(() => openLoop(gateway.url, adminKey, { rate: RATE, seconds: SECONDS, paths: searchPaths() }));
    log(`open loop: ${RATE} requests/s for ${SECONDS} s, every search different (after ${WARMUP_SECONDS} s of others)`);
    const [warmupPaths, paths] = distinctPaths(RATE * WARMUP_SECONDS, RATE * SECONDS);
    await openLoop(gateway.url, adminKey, { rate: RATE, seconds: WARMUP_SECONDS, paths: warmupPaths });
    const distinct = await timed(() => openLoop(gateway.url, adminKey, { rate: RATE, seconds: SECONDS, paths }));
    log(`closed loop: autocannon, ${CONNECTIONS} connections, ${SECONDS} s`);
    const max = await closedLoop(gateway.url, adminKey, { connections: CONNECTIONS, seconds: SECONDS });
    const row = (name: string, result: LoadResult) => [name, `${result.rps.toFixed(0)} requests/s`, `${result.p50} ms`, `${result.p99} ms`, `max ${result.max} ms, ${result.ok} ok, ${result.bad} failed${result.server ? `; ${result.server}` : ''}`];
    table.unshift(
      row(`HTTP, open loop at ${RATE} requests/s, ${QUERIES.length} searches in turn (target p99 < 10 ms)`, fixed),
      row(`HTTP, open loop at ${RATE} requests/s, every search different (no cache hits)`, distinct),
      row(`HTTP, closed loop, ${CONNECTIONS} connections (autocannon)`, max),
    );
    table.push(['gateway start with the index', `${startSeconds.toFixed(1)} s`, '', '', `peak RSS ${(gateway.peakRss() / 2 ** 20).toFixed(0)} MB, ${RESOURCES.toLocaleString('en')} resources + 3 base`]);
  } finally {
    await gateway.stop();
  }
} finally {
  if (values.keep) log(`kept ${database.url}`);
  else await database.drop();
}

const header = ['scenario', 'throughput', 'p50', 'p99', 'detail'];
const widths = header.map((_, column) => Math.max(...[header, ...table].map((row) => (row[column] ?? '').length)));
const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
process.stdout.write([line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...table.map(line)].join('\n') + '\n');
