import t from 'tap';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';
import { startUiGateway } from './fixtures.ts';

t.test('a Chinese query finds the population resource, with facet counts over the result', async (t) => {
  const gateway = await startUiGateway(t, { valid: 4, invalid: 1, seed: 11 });
  const { page, outside, errors, screenshot } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, gateway.adminKey);

  await page.getByRole('searchbox', { name: '关键词' }).fill('人口');
  await page.getByRole('button', { name: '检索', exact: true }).click();
  t.match(await textWhen(page, '.results-count', /共 1 条/), /第 1–1 条，共 1 条/);
  const results = page.locator('.result-list > li');
  t.equal(await results.count(), 1);
  t.equal(await results.first().getByRole('heading').textContent(), '人口基础信息');
  t.match(await results.first().textContent(), /市公安局/);
  t.equal(await page.getByRole('checkbox', { name: '市公安局 (1)' }).count(), 1, 'the provider facet counts the hit');
  t.equal(await page.getByRole('checkbox', { name: '基础信息资源 (1)' }).count(), 1, 'the catalogue facet counts the hit');

  await page.getByRole('searchbox', { name: '关键词' }).fill('');
  await page.getByRole('button', { name: '检索', exact: true }).click();
  t.match(await textWhen(page, '.results-count', /共 3 条/), /共 3 条/, 'an empty query lists every resource');
  await page.getByRole('checkbox', { name: /^市市场监督管理局/ }).check();
  t.match(await textWhen(page, '.results-count', /共 1 条/), /共 1 条/);
  t.equal(await page.locator('.result-list h3').textContent(), '法人基础信息', 'a facet narrows the result');
  t.ok(await page.getByRole('checkbox', { name: /^市市场监督管理局/ }).isChecked(), 'the chosen facet stays checked');
  await screenshot('catalogue-search');

  t.same(outside, [], 'the page asks nothing of the internet');
  t.same(errors, []);
});

t.test('a resource shows its items with sensitivity and masking, its freshness, throughput and lineage', async (t) => {
  const gateway = await startUiGateway(t, { valid: 5, invalid: 1, seed: 12 });
  const { page, outside, errors, screenshot } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, gateway.adminKey);
  await page.getByRole('searchbox', { name: '关键词' }).fill('公民身份号码');
  await page.getByRole('button', { name: '检索', exact: true }).click();
  await rendered(page, /q=/);
  await page.getByRole('link', { name: '人口基础信息' }).click();
  await rendered(page, /#\/resources\//);

  await page.getByRole('heading', { level: 1, name: '人口基础信息' }).waitFor();
  const idNumber = page.locator('.items-table tr', { has: page.getByRole('rowheader', { name: '公民身份号码' }) });
  t.match(await idNumber.textContent(), /id_number.*4 高度敏感.*部分遮蔽/, 'the ID number item is highly sensitive and partly masked');
  t.equal(await page.locator('.items-table tbody tr').count(), 14);
  t.equal(await page.locator('.resource-header .badge').textContent(), '● 按时更新');
  t.match(await page.locator('.freshness-specific').textContent(), /更新周期为“每日”，自最近一条记录/);
  await page.getByText('判定规则').click();
  t.match(await page.locator('.freshness-rule').textContent(), /超过两个周期为数据陈旧/);
  t.equal(await page.locator('[data-stat="published"] dd').first().innerText().then((text) => text.split('\n')[0]), '5');
  t.equal(await page.locator('[data-stat="rejected"] dd').first().innerText().then((text) => text.split('\n')[0]), '1');

  t.equal(await page.locator('.throughput-chart .bar-published').count(), 1, 'the records of this hour are one bar');
  t.equal(await page.locator('.throughput-chart .bar-rejected').count(), 1);
  const lineage = page.locator('.lineage-diagram');
  t.match(await lineage.locator('.lineage-connector').textContent(), /人口信息推送/);
  t.match(await lineage.locator('.lineage-topic').textContent(), /dx\.population\.person/);
  t.equal(await lineage.locator('.lineage-edge').count(), 2, 'source → connector → topic');
  await screenshot('resource-detail-zh');

  t.same(outside, []);
  t.same(errors, []);
});

t.test('the language switch shows the same resource in English and is remembered', async (t) => {
  const gateway = await startUiGateway(t, { valid: 2, invalid: 0, seed: 13 });
  const { page, errors, screenshot } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, gateway.adminKey);
  await rendered(page, /#\/search/);
  await page.getByRole('link', { name: '人口基础信息' }).click();
  await page.getByRole('heading', { level: 2, name: '信息项' }).waitFor();

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 2, name: 'Information items' }).waitFor();
  t.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  t.equal(await page.evaluate(() => document.activeElement?.id), 'language-switch', 'focus stays on the switch');
  t.equal(await page.locator('.resource-header .badge').textContent(), '● On time');
  t.match(await page.locator('.items-table').textContent(), /Highly sensitive/);
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Information items' }).waitFor();
  t.pass('the choice survives a reload');
  await screenshot('resource-detail-en');

  await page.getByRole('button', { name: '切换到中文' }).click();
  await page.getByRole('heading', { level: 2, name: '信息项' }).waitFor();
  t.same(errors, []);
});
