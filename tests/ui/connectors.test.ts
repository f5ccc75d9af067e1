import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { createPersonSourceTable, PERSON_MAPPING } from '../helpers/person-source.ts';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';
import { startUiGateway } from './fixtures.ts';
import { insertLegacyConnector, provideTopic } from '../helpers/resource.ts';

t.test("a department sees its own connectors with their counts, and a record rejected for a bad ID number with the reason", async (t) => {
  const gateway = await startUiGateway(t, { valid: 3, invalid: 1, seed: 21 });
  const other = await createDepartment(gateway.app, gateway.adminKey, 'SCJ', '市市场监督管理局');
  const foreignTopic = freshTopicName('ui');
  await provideTopic(gateway.app, gateway.adminKey, 'SCJ', foreignTopic);
  const foreign = await gateway.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(other.key),
    payload: { name: '企业登记推送', type: 'http-push', schema: 'legal-person.organisation', topic: foreignTopic, config: {}, mapping: { fields: { credit_code: 'tyshxydm', name: 'qymc' } } },
  });
  t.equal(foreign.statusCode, 201, 'the other department registers a connector');
  const { page, outside, errors, screenshot } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, gateway.department.key);
  t.match(await page.locator('.whoami').textContent(), /市公安局.*部门 GAJ/);

  await page.getByRole('link', { name: '我的连接器' }).click();
  await rendered(page, /^#\/connectors$/);
  const rows = page.locator('.connectors-table tbody tr');
  t.equal(await rows.count(), 1, "another department's connector is not listed");
  const row = page.locator(`tr[data-connector-id="${gateway.connector.id}"]`);
  t.match(await row.getByRole('rowheader').textContent(), /人口信息推送.*http-push · 推送/);
  t.equal(await row.locator('[data-count="read"]').textContent(), '4');
  t.equal(await row.locator('[data-count="published"]').textContent(), '3');
  t.equal(await row.locator('[data-count="rejected"]').textContent(), '1');
  t.match(await row.textContent(), /已启用.*最近推送/);
  t.match(await row.textContent(), /推送型，无需连接测试/, 'a push connector has no test button');
  await screenshot('connectors-department');

  await row.getByRole('link', { name: '查看“人口信息推送”的拒收记录' }).click();
  await rendered(page, /\/rejected$/);
  await page.getByRole('heading', { level: 1, name: '拒收记录：人口信息推送' }).waitFor();
  const rejected = page.locator('.rejected-table tbody tr');
  t.equal(await rejected.count(), 1);
  t.match(await rejected.locator('.reasons').textContent(), /id_number .*check character.*\(cn-id-number\)/, 'the reason names the field, the fault and the rule');
  await rejected.getByText('显示原始记录').click();
  t.match(await rejected.locator('pre.source').textContent(), /"sfzh": "\d{17}[\dX]"/, 'the record is shown as received');
  await screenshot('connector-rejects');

  await page.getByLabel('显示').selectOption('replayed');
  t.match(await textWhen(page, '.empty', /没有拒收记录/), /没有拒收记录/, 'no record was replayed');
  t.same(outside, []);
  t.same(errors, []);
});

t.test('the test button of a pull connector shows the connection check and the first records validated', async (t) => {
  const gateway = await startUiGateway(t);
  const source = await createPersonSourceTable(t, 3, 1, 22);
  const topic = freshTopicName('ui');
  await provideTopic(gateway.app, gateway.adminKey, 'GAJ', topic);
  const created = await gateway.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(gateway.department.key),
    payload: { name: '户籍库', type: 'sql-pull', schema: 'population.person', topic, schedule: '0 0 1 1 *', config: source.connection, mapping: PERSON_MAPPING },
  });
  t.equal(created.statusCode, 201, 'the pull connector is registered');
  const { page, errors, screenshot } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, gateway.department.key);
  await page.goto(`${gateway.baseUrl}/ui/#/connectors`);
  await rendered(page, /^#\/connectors$/);

  await page.getByRole('button', { name: '测试连接器“户籍库”' }).click();
  t.match(await textWhen(page, '.test-check', /连接/), /^✓ 连接正常/);
  t.match(await page.locator('.test-result').textContent(), /试读 4 条记录：3 条通过校验，1 条未通过/);
  t.match(await page.locator('.test-result tbody tr').nth(3).textContent(), /id_number.*cn-id-number/);
  await screenshot('connector-test');
  t.equal((await gateway.app.inject({ url: `/api/v1/connectors/${created.json().id}/status`, headers: bearer(gateway.department.key) })).json().totals.published, 0, 'a test publishes nothing');
  t.same(errors, []);
});

t.test('a connector publishing onto a topic its department does not provide shows the problem in the list', async (t) => {
  const gateway = await startUiGateway(t);
  const topic = freshTopicName('ui-legacy');
  // Registered before 一数一源 was enforced: the API refuses it now.
  const legacyId = await insertLegacyConnector(gateway.databaseUrl, 'GAJ', topic, PERSON_MAPPING);
  const { page, screenshot } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, gateway.department.key);
  await page.getByRole('link', { name: '我的连接器' }).click();
  await rendered(page, /^#\/connectors$/);
  const legacy = page.locator(`tr[data-connector-id="${legacyId}"] [data-problem="topic-no-resource"]`);
  t.match(await legacy.textContent(), /不符合“一数一源”/);
  t.match(await legacy.getAttribute('title'), /not the topic of any catalogue resource/);
  t.equal(await page.locator(`tr[data-connector-id="${gateway.connector.id}"] [data-problem]`).count(), 0, 'a connector on its own resource shows none');
  await screenshot('connectors-topic-problem');
});
