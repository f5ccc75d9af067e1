import t from 'tap';
import { buildCatalogApp, createResource, departmentResource, searchCatalog } from '../catalog/helpers.ts';
import { SNAPSHOT_TTL_MS } from '../../catalog/search.ts';
import { bearer } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';

const q = (text: string) => `q=${encodeURIComponent(text)}`;
const names = (result: Record<string, any>) => (result.items as { name: string }[]).map((item) => item.name).sort();

t.test('the three base resources are catalogued on first start with their schema, topic and items from the canonical fields', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const result = await searchCatalog(app, adminKey, 'kind=base');
  t.same(names(result), ['人口基础信息', '法人基础信息', '电子证照'].sort());
  const population = result.items.find((item: { name: string }) => item.name === '人口基础信息');
  t.match(population, { code: '101001/000001', topic: 'dx.population.person', sharingType: 'unconditional', itemCount: 14 });
  const detail = (await app.inject({ url: `/api/v1/catalog/resources/${population.id}`, headers: bearer(adminKey) })).json();
  t.equal(detail.schemaSubject, 'population.person-value');
  t.match(detail.items.find((item: { canonicalField: string }) => item.canonicalField === 'id_number'), { name: '公民身份号码', sensitivity: 4, masking: 'partial', shareable: true });
  t.match(detail.items.find((item: { canonicalField: string }) => item.canonicalField === 'registered_division_code'), { name: '户籍地行政区划代码', sensitivity: 1, masking: 'none' });
  t.match(detail.items.find((item: { canonicalField: string }) => item.canonicalField === 'birth_date'), { dataType: 'date' });
});

t.test('a restart on the same database catalogues no base resource again', async (t) => {
  const first = await buildCatalogApp(t);
  await first.app.close();
  const again = await buildCatalogApp(t, {}, { databaseUrl: first.databaseUrl, adminKey: first.adminKey });
  const { rows } = await again.app.db.query<{ code: string; versions: number }>(
    'SELECT r.code, count(h.version)::int AS versions FROM catalog_resources r JOIN catalog_resource_history h ON h.resource_id = r.id GROUP BY r.code ORDER BY r.code',
  );
  t.same(rows, [{ code: '101001/000001', versions: 1 }, { code: '102001/000001', versions: 1 }, { code: '105001/000001', versions: 1 }]);
});

t.test('a Chinese query finds a resource by its name', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  t.same(names(await searchCatalog(app, adminKey, q('法人'))), ['法人基础信息']);
});

t.test('a Chinese query finds a resource by words of its summary', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  t.same(names(await searchCatalog(app, adminKey, q('照片和指纹'))), ['人口基础信息']);
});

t.test('a Chinese query finds resources by their item names', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  await createResource(app, department.key, departmentResource(1, { name: '民办学校信息' }));
  t.same(names(await searchCatalog(app, adminKey, q('经营范围'))), ['法人基础信息']);
  t.same(names(await searchCatalog(app, adminKey, q('办学许可'))), ['民办学校信息']);
});

t.test('facet counts are counted over the filtered result', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const jyj = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const mzj = await createDepartment(app, adminKey, 'MZJ', '市民政局');
  await createResource(app, jyj.key, departmentResource(1, { name: '学校登记信息', updateCycle: 'yearly' }));
  await createResource(app, jyj.key, departmentResource(2, { name: '教师登记信息', format: 'spreadsheet', sharing: { type: 'conditional', condition: '仅用于资格审核', methods: ['interface'] } }));
  await createResource(app, mzj.key, departmentResource(3, { name: '婚姻登记信息', sharing: { type: 'conditional', condition: '须当事人授权', methods: ['interface', 'file'] } }));
  await createResource(app, mzj.key, departmentResource(4, { name: '社会组织名录' }));
  const result = await searchCatalog(app, adminKey, `${q('登记')}&kind=department`);
  t.equal(result.total, 3);
  const counts = (facet: string) => Object.fromEntries(result.facets[facet].map((bucket: { value: string; count: number }) => [bucket.value, bucket.count]));
  t.same(counts('provider'), { JYJ: 2, MZJ: 1 });
  t.same(result.facets.provider.map((bucket: { label: string }) => bucket.label), ['市教育局', '市民政局']);
  t.same(counts('kind'), { department: 3 });
  t.same(counts('sharingType'), { conditional: 2, unconditional: 1 });
  t.same(counts('updateCycle'), { monthly: 2, yearly: 1 });
  t.same(counts('format'), { database: 2, spreadsheet: 1 });
  const narrowed = await searchCatalog(app, adminKey, `${q('登记')}&kind=department&sharingType=conditional`);
  t.same(Object.fromEntries(narrowed.facets.provider.map((bucket: { value: string; count: number }) => [bucket.value, bucket.count])), { JYJ: 1, MZJ: 1 });
});

t.test('paging through resources with equal names neither repeats nor skips one', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const ids = new Set<string>();
  for (let i = 1; i <= 12; i++) ids.add((await createResource(app, department.key, departmentResource(i, { name: '同名资源', publishDate: '2026-05-01' }))).id);
  for (const sort of ['name', 'publishDate']) {
    const seen: string[] = [];
    for (let offset = 0; offset < 12; offset += 5) {
      const page = await searchCatalog(app, adminKey, `${q('同名')}&sort=${sort}&limit=5&offset=${offset}`);
      t.equal(page.total, 12);
      seen.push(...page.items.map((item: { id: string }) => item.id));
    }
    t.same([...seen].sort(), [...ids].sort(), `sorted by ${sort}, every resource once`);
  }
});

t.test('a body that breaks the schema is refused with every failing field named', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const body = departmentResource(1, { code: '301-1', format: 'paper', items: [{ name: '', dataType: 'string', sensitivity: 7, masking: 'none', shareable: true }], providerCode: 'JYJ', providerName: '市教育局', colour: 'red' });
  const response = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: body });
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'DX_ERR_REQUEST_INVALID');
  t.same(response.json().details.map((detail: { path: string }) => detail.path).sort(), ['code', 'colour', 'format', 'items[0].name', 'items[0].sensitivity']);
});

t.test('rules across fields are checked with every failing field named', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const body = departmentResource(1, {
    code: '101009/000001',
    providerCode: 'JYJ',
    providerName: '市教育局',
    sharing: { type: 'conditional', methods: [] },
    items: [
      { name: '学校名称', canonicalField: 'name', dataType: 'string', sensitivity: 1, masking: 'none', shareable: true },
      { name: '学校名称', dataType: 'string', sensitivity: 1, masking: 'none', shareable: true },
    ],
    related: ['101001/000001', '199999/000001'],
  });
  const response = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: body });
  t.equal(response.statusCode, 400);
  t.same(response.json().details.map((detail: { path: string }) => detail.path).sort(), ['code', 'items[0].canonicalField', 'items[1].name', 'related[1]', 'sharing.condition', 'sharing.methods']);
});

t.test('an item must name a field of the schema subject it maps to', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const body = departmentResource(1, {
    providerCode: 'GAJ',
    providerName: '市公安局',
    schemaSubject: 'population.person-value',
    items: [
      { name: '公民身份号码', canonicalField: 'id_number', dataType: 'string', sensitivity: 4, masking: 'partial', shareable: true },
      { name: '指纹', canonicalField: 'fingerprint', dataType: 'binary', sensitivity: 4, masking: 'drop', shareable: false },
    ],
  });
  const response = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: body });
  t.equal(response.statusCode, 400);
  t.same(response.json().details, [{ path: 'items[1].canonicalField', message: 'is not a field of population.person-value' }]);
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: { ...body, schemaSubject: 'nope-value', items: [] } });
  t.same(unknown.json().details.map((detail: { path: string }) => detail.path), ['items'], 'an empty item list is refused by the schema first');
});

t.test('a department catalogues department resources for itself, named after it', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const department = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const created = await createResource(app, department.key, departmentResource(1));
  t.match(created, { providerCode: 'JYJ', providerName: '市教育局', version: 1, publishDate: /^\d{4}-\d{2}-\d{2}$/ });
  const forOther = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(department.key), payload: departmentResource(2, { providerCode: 'MZJ' }) });
  t.equal(forOther.statusCode, 403);
  const base = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(department.key), payload: departmentResource(3, { code: '109001/000001', kind: 'base' }) });
  t.equal(base.statusCode, 403);
});

t.test('an integrator may search and read the catalogue but not catalogue a resource', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const integrator = await createIntegrator(app, adminKey, '一网通办');
  t.equal((await searchCatalog(app, integrator.key, q('人口'))).total, 1);
  const response = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(integrator.key), payload: departmentResource(1, { providerCode: 'JYJ', providerName: '市教育局' }) });
  t.equal(response.statusCode, 403);
});

t.test("a department cannot change or see the history of another department's resource: it is answered 404", async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const other = await createDepartment(app, adminKey, 'MZJ', '市民政局');
  const resource = await createResource(app, owner.key, departmentResource(1));
  const change = await app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${resource.id}`, headers: bearer(other.key), payload: departmentResource(1, { name: '改名' }) });
  t.equal(change.statusCode, 404);
  t.equal(change.json().code, 'DX_ERR_CATALOG_RESOURCE_NOT_FOUND');
  t.equal((await app.inject({ url: `/api/v1/catalog/resources/${resource.id}/history`, headers: bearer(other.key) })).statusCode, 404);
  const missing = await app.inject({ method: 'PUT', url: '/api/v1/catalog/resources/00000000-0000-4000-8000-000000000000', headers: bearer(other.key), payload: departmentResource(1) });
  t.same(missing.json(), change.json(), 'the same answer as for a resource that does not exist');
  t.equal((await app.inject({ url: `/api/v1/catalog/resources/${resource.id}`, headers: bearer(other.key) })).statusCode, 200, 'reading the catalogue is open to all');
});

t.test('a department may not hand its resource to another provider nor change its kind', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const resource = await createResource(app, owner.key, departmentResource(1));
  const url = `/api/v1/catalog/resources/${resource.id}`;
  t.equal((await app.inject({ method: 'PUT', url, headers: bearer(owner.key), payload: departmentResource(1, { providerCode: 'MZJ' }) })).statusCode, 403);
  t.equal((await app.inject({ method: 'PUT', url, headers: bearer(owner.key), payload: departmentResource(1, { code: '201001/000001', kind: 'theme' }) })).statusCode, 403);
});

t.test('the history records each change with who made it and which fields changed, newest first', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const resource = await createResource(app, adminKey, departmentResource(1, { providerCode: 'JYJ', providerName: '市教育局' }));
  const url = `/api/v1/catalog/resources/${resource.id}`;
  const byDepartment = await app.inject({ method: 'PUT', url, headers: bearer(owner.key), payload: departmentResource(1, { summary: '全市中小学校的办学信息。', keywords: ['学校'] }) });
  t.equal(byDepartment.statusCode, 200, byDepartment.body);
  t.equal(byDepartment.json().version, 2);
  const byOffice = await app.inject({ method: 'PUT', url, headers: bearer(adminKey), payload: departmentResource(1, { summary: '全市中小学校的办学信息。', keywords: ['学校'], updateCycle: 'quarterly', version: 2 }) });
  t.equal(byOffice.json().version, 3);
  const history = (await app.inject({ url: `${url}/history`, headers: bearer(owner.key) })).json();
  t.equal(history.total, 3);
  t.same(history.items.map((entry: { version: number; change: string; changedFields: string[]; principal: { name: string } }) => [entry.version, entry.change, entry.principal.name, entry.changedFields.join(',')]), [
    [3, 'updated', 'data-office', 'updateCycle'],
    [2, 'updated', '市教育局', 'summary,keywords'],
    [1, 'created', 'data-office', history.items[2].changedFields.join(',')],
  ]);
  t.equal(history.items[1].document.summary, '全市中小学校的办学信息。');
  t.equal(history.items[2].document.summary, '部门自建系统的业务数据。', 'each version keeps its own document');
});

t.test('an update that changes nothing makes no new version', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const resource = await createResource(app, owner.key, departmentResource(1));
  const same = await app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${resource.id}`, headers: bearer(owner.key), payload: departmentResource(1, { publishDate: resource.publishDate }) });
  t.equal(same.json().version, 1);
  t.equal((await app.inject({ url: `/api/v1/catalog/resources/${resource.id}/history`, headers: bearer(owner.key) })).json().total, 1);
});

t.test('an update sent from an older version is refused with 409', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  const resource = await createResource(app, owner.key, departmentResource(1));
  const url = `/api/v1/catalog/resources/${resource.id}`;
  t.equal((await app.inject({ method: 'PUT', url, headers: bearer(owner.key), payload: departmentResource(1, { name: '第一次修改', version: 1 }) })).statusCode, 200);
  const stale = await app.inject({ method: 'PUT', url, headers: bearer(adminKey), payload: departmentResource(1, { name: '基于旧版本的修改', version: 1 }) });
  t.equal(stale.statusCode, 409);
  t.match(stale.json(), { code: 'DX_ERR_CATALOG_VERSION_CONFLICT', details: [{ path: 'version' }] });
});

t.test('a resource code or topic another resource holds is refused with 409 naming the field', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  const owner = await createDepartment(app, adminKey, 'JYJ', '市教育局');
  await createResource(app, owner.key, departmentResource(1));
  const code = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(owner.key), payload: departmentResource(1, { name: '另一个' }) });
  t.match(code.json(), { code: 'DX_ERR_CATALOG_CODE_TAKEN', details: [{ path: 'code' }] });
  const topic = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: departmentResource(2, { topic: 'dx.population.person', providerCode: 'JYJ', providerName: '市教育局' }) });
  t.equal(topic.statusCode, 409);
  t.match(topic.json(), { code: 'DX_ERR_CATALOG_TOPIC_TAKEN', details: [{ path: 'topic' }] });
});

t.test('a change on one gateway instance is found by searches on another within the snapshot time', async (t) => {
  const first = await buildCatalogApp(t);
  const second = await buildCatalogApp(t, {}, { databaseUrl: first.databaseUrl, adminKey: first.adminKey });
  const found = (text: string) => searchCatalog(second.app, first.adminKey, q(text)).then(names);
  const eventually = async (text: string, expected: string[]) => {
    const deadline = Date.now() + SNAPSHOT_TTL_MS + 2000;
    let last = await found(text);
    while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      last = await found(text);
    }
    return last;
  };
  t.same(await found('学校'), []);
  const created = await createResource(first.app, first.adminKey, departmentResource(1, { name: '学校基本信息', providerCode: 'JYJ', providerName: '市教育局' }));
  t.same(await eventually('学校', ['学校基本信息']), ['学校基本信息']);
  await first.app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${created.id}`, headers: bearer(first.adminKey), payload: departmentResource(1, { name: '幼儿园基本信息', providerCode: 'JYJ', providerName: '市教育局' }) });
  t.same(await eventually('幼儿园', ['幼儿园基本信息']), ['幼儿园基本信息']);
  t.same(await found('学校基本'), []);
});

t.test('a change is found at once by a search on the instance that made it', async (t) => {
  const { app, adminKey } = await buildCatalogApp(t);
  t.equal((await searchCatalog(app, adminKey, q('学校'))).total, 0);
  const created = await createResource(app, adminKey, departmentResource(1, { name: '学校基本信息', providerCode: 'JYJ', providerName: '市教育局' }));
  t.same(names(await searchCatalog(app, adminKey, q('学校'))), ['学校基本信息']);
  await app.inject({ method: 'PUT', url: `/api/v1/catalog/resources/${created.id}`, headers: bearer(adminKey), payload: departmentResource(1, { name: '幼儿园基本信息', providerCode: 'JYJ', providerName: '市教育局' }) });
  t.same(names(await searchCatalog(app, adminKey, q('学校基本'))), []);
});
