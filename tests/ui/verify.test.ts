import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { buildLicenceRegister, LICENCE_FIELDS } from '../registers/licence-world.ts';
import { buildQueryWorld } from '../registers/query-world.ts';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';

t.test('the 证照核验 page finds the valid licences of a holder and verifies a name and an ID number; the resource page shows the register', async (t) => {
  const world = await buildQueryWorld(t, 2, { fields: ['id_number', 'name', 'sex'] });
  const licences = await buildLicenceRegister(world.app, world.adminKey);
  const subscription = await world.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: bearer(world.integrator.key), payload: { resourceId: licences.resourceId, purpose: '免交证照复印件', legalBasis: '依申请', fields: LICENCE_FIELDS, delivery: { mode: 'query' } } });
  t.equal(subscription.statusCode, 201, subscription.body);
  const baseUrl = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const { page, outside, errors, screenshot } = await openBrowser(t, baseUrl);
  await signIn(page, baseUrl, world.integrator.key);

  await page.getByRole('link', { name: '证照核验' }).click();
  await rendered(page, /^#\/verify$/);
  await page.getByRole('textbox', { name: '事由' }).fill('办理食品经营许可变更');
  await page.getByRole('textbox', { name: '经办人' }).fill('窗口-07');
  await page.getByRole('textbox', { name: '持证主体代码', exact: true }).fill(licences.holder.id_number);
  await page.getByRole('button', { name: '查询证照' }).click();
  t.match(await textWhen(page, '.licences-result', /有效证照 1 张/), /有效证照 1 张/);
  t.equal(await page.locator('.licences-table tbody tr').count(), 1, 'only the valid licence');
  t.equal(await page.locator('.licences-table td[data-field="licence_number"]').textContent(), licences.licences.valid.licence_number);
  t.match(await page.locator('.licences-table td[data-field="holder_code"]').textContent(), /^\d{6}\*{11}[\dX]$/, 'masked as its item says');

  const person = world.persons[0] as (typeof world.persons)[number];
  await page.getByRole('textbox', { name: '公民身份号码' }).fill(person.id_number);
  await page.getByRole('textbox', { name: '姓名', exact: true }).fill(person.name);
  await page.getByRole('button', { name: '核验' }).click();
  t.equal(await textWhen(page, '.verify-result', /一致/), '一致');
  await page.getByRole('textbox', { name: '姓名', exact: true }).fill(`${person.name}甲`);
  await page.getByRole('button', { name: '核验' }).click();
  t.equal(await textWhen(page, '.verify-result', /不一致/), '不一致');
  await screenshot('verify-page');

  const audit = await world.app.inject({ method: 'GET', url: '/api/v1/audit?action=register.lookup&limit=100', headers: bearer(world.adminKey) });
  t.ok(audit.json().items.every((entry: { details: { operator: string } }) => entry.details.operator === '窗口-07'), 'each query carried the operator entered');

  await page.goto(`${baseUrl}/ui/#/resources/${world.resource.id}`);
  await rendered(page, /^#\/resources\//);
  t.equal(await page.locator('[data-register="size"] dd').textContent(), '2');
  t.equal(await page.locator('[data-register="lookupsToday"] dd').textContent(), '2', 'the two verifications');
  t.match(await page.locator('[data-register="lag"] dd').textContent(), /0 条/);
  await screenshot('resource-register');
  t.same(outside, []);
  t.same(errors, []);
});
