import t from 'tap';
import { createIntegrator } from '../helpers/department.ts';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';
import { startUiGateway } from './fixtures.ts';

t.test('a wrong key is refused with a message and nothing is kept', async (t) => {
  const gateway = await startUiGateway(t);
  const { page, outside } = await openBrowser(t, gateway.baseUrl);
  await page.goto(`${gateway.baseUrl}/ui/`);
  await page.getByLabel('API 密钥').fill('dx_not_a_key');
  await page.getByRole('button', { name: '登录' }).click();
  t.match(await textWhen(page, '[role="alert"]', /密钥无效/), /密钥无效/);
  t.equal(await page.evaluate(() => sessionStorage.getItem('dx-ui-key')), null, 'the key is not kept');
  t.equal(await page.getByLabel('API 密钥').getAttribute('aria-invalid'), 'true');
  t.same(outside, []);
});

t.test('signing in shows who the key belongs to; signing out forgets the key', async (t) => {
  const gateway = await startUiGateway(t);
  const { page, errors, screenshot } = await openBrowser(t, gateway.baseUrl);
  await page.goto(`${gateway.baseUrl}/ui/`);
  await screenshot('sign-in');
  await signIn(page, gateway.baseUrl, gateway.department.key);
  t.match(await page.locator('.whoami').textContent(), /市公安局（部门 GAJ）/);
  t.equal(await page.getByRole('link', { name: '我的连接器' }).count(), 1, 'a department has its connectors page');

  await page.getByRole('button', { name: '退出' }).click();
  await rendered(page, /#\/sign-in/);
  t.match(await page.locator('.notice').textContent(), /您已退出/);
  t.equal(await page.evaluate(() => sessionStorage.getItem('dx-ui-key')), null);
  await page.goto(`${gateway.baseUrl}/ui/#/search`);
  await rendered(page, /#\/sign-in/);
  t.pass('the catalogue needs signing in again');
  t.same(errors, []);
});

t.test('a page opened before signing in is shown once signed in', async (t) => {
  const gateway = await startUiGateway(t);
  const { page, errors } = await openBrowser(t, gateway.baseUrl);
  await page.goto(`${gateway.baseUrl}/ui/#/connectors`);
  await rendered(page, /#\/sign-in/);
  await page.getByLabel('API 密钥').fill(gateway.department.key);
  await page.getByRole('button', { name: '登录' }).click();
  await rendered(page, /^#\/connectors$/);
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), '我的连接器');
  t.same(errors, []);
});

t.test('an integrator searches the catalogue and has no connectors page', async (t) => {
  const gateway = await startUiGateway(t);
  const integrator = await createIntegrator(gateway.app, gateway.adminKey, '社保中心业务系统');
  const { page, errors } = await openBrowser(t, gateway.baseUrl);
  await signIn(page, gateway.baseUrl, integrator.key);
  t.match(await page.locator('.whoami').textContent(), /社保中心业务系统（数据使用方）/);
  t.equal(await page.getByRole('link', { name: '我的连接器' }).count(), 0);
  t.match(await textWhen(page, '.results-count', /共 3 条/), /共 3 条/);
  await page.goto(`${gateway.baseUrl}/ui/#/connectors`);
  t.match(await textWhen(page, 'main', /数据使用方没有连接器/), /数据使用方没有连接器/);
  t.same(errors, []);
});

t.test('the keyboard alone signs in and searches: focus starts on each page heading and Enter submits', async (t) => {
  const gateway = await startUiGateway(t);
  const { page, errors } = await openBrowser(t, gateway.baseUrl);
  await page.goto(`${gateway.baseUrl}/ui/`);
  await rendered(page, /#\/sign-in/);
  t.equal(await page.evaluate(() => document.activeElement?.textContent), '登录', 'the heading has focus');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate(() => document.activeElement?.id), 'api-key');
  await page.keyboard.type(gateway.adminKey);
  await page.keyboard.press('Enter');
  await rendered(page, /#\/search/);
  t.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate(() => document.activeElement?.id), 'search-q');
  await page.keyboard.type('电子证照');
  await page.keyboard.press('Enter');
  t.match(await textWhen(page, '.results-count', /共 1 条/), /共 1 条/);
  t.equal(await page.locator('.result-list h3').textContent(), '电子证照');
  t.same(errors, []);
});
