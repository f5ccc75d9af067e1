import t from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { manualClock } from '../catalog/helpers.ts';
import { disputeBody, raised } from '../disputes/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { buildWorld, personResource, PROVIDER, subscribe } from '../subscriptions/world.ts';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';

t.test('a dispute goes from the integrator to the provider and back through the UI, and an overdue one shows', async (t) => {
  // Monday 28 December 2026 in Shanghai: the answer date counts days of 2027, whose holiday notice is not known.
  const clock = manualClock(new Date('2026-12-28T02:00:00Z'));
  const world = await buildWorld(t, { catalog: { clock: clock.now } });
  await subscribe(world);
  const [person, other] = world.people(2);
  await world.push([person!]);
  const waiting = await raised(world, disputeBody(world, other!.id_number));
  const baseUrl = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const { page, outside, errors, screenshot } = await openBrowser(t, baseUrl);

  await signIn(page, baseUrl, world.integrator.key);
  await page.goto(`${baseUrl}/ui/#/resources/${world.resource.id}`);
  await rendered(page, /^#\/resources\//);
  t.match(await page.locator('[data-stat="disputes-open"] dd').textContent(), /^1$/, 'the resource shows its open disputes');
  t.match(await page.locator('.subscriptions-table tbody tr').first().textContent(), /有效/, "the integrator's subscription is listed");
  await page.getByText('对本资源的一条记录提出异议').click();
  await page.getByLabel('记录标识（业务主键）').fill(person!.id_number);
  await page.getByRole('checkbox', { name: 'registered_address' }).check();
  await page.getByLabel('异议内容').fill('户籍地址已迁出，仍显示旧地址');
  await page.getByLabel('依据').fill('迁移证 QY-2026-0815');
  await page.getByRole('button', { name: '提出异议' }).click();
  await rendered(page, /^#\/disputes\/[0-9a-f-]{36}$/);
  const disputeId = await page.locator('.dispute-page').getAttribute('data-dispute-id');
  t.match(await textWhen(page, '.dispute-state', /待答复/), /待答复/);
  const due = (await page.locator('.deadline').textContent()) ?? '';
  t.match(due, /2027-01-05/, 'the answer date: five working days, New Year’s Day off');
  t.match(due, /暂定.*2027/, 'marked provisional, with the reason');
  await screenshot('dispute-raised');

  await page.getByRole('button', { name: '退出' }).click();
  await signIn(page, baseUrl, world.provider.key);
  await page.getByRole('link', { name: '数据异议' }).click();
  await rendered(page, /^#\/disputes$/);
  t.equal(await page.locator('.disputes-table tbody tr').count(), 2, 'the provider sees both disputes on its resource');
  await page.locator(`tr[data-dispute-id="${disputeId}"] a`).click();
  await rendered(page, /^#\/disputes\/[0-9a-f-]{36}$/);
  t.match(await page.locator('.dispute-page').textContent(), new RegExp(person!.id_number), 'the provider sees which record');
  await page.getByLabel('说明').fill('已按迁移证更正户籍地址');
  await page.getByRole('button', { name: '确认并更正' }).click();
  t.match(await textWhen(page, '.dispute-state', /已确认/), /已确认/, 'confirmed');
  t.match(await page.locator('.dispute-page').textContent(), /等待更正后的记录到达/);

  await page.getByRole('button', { name: '退出' }).click();
  await signIn(page, baseUrl, world.integrator.key);
  await page.goto(`${baseUrl}/ui/#/disputes/${disputeId}`);
  await rendered(page, /^#\/disputes\//);
  t.match(await textWhen(page, '.dispute-state', /已确认/), /已确认/, 'the integrator sees the answer');
  t.match(await page.locator('.dispute-answer').textContent(), /已按迁移证更正户籍地址/);
  t.equal(await page.getByRole('button', { name: '确认并更正' }).count(), 0, 'and cannot answer');

  clock.set(new Date('2027-01-06T02:00:00Z'));
  await page.getByRole('button', { name: '退出' }).click();
  await signIn(page, baseUrl, world.adminKey);
  await page.goto(`${baseUrl}/ui/#/disputes?overdue=true`);
  await rendered(page, /^#\/disputes\?overdue=true$/);
  const rows = page.locator('.disputes-table tbody tr');
  t.equal(await rows.count(), 1, 'the office lists the overdue dispute');
  t.equal(await rows.first().getAttribute('data-dispute-id'), waiting.id);
  t.match(await rows.first().textContent(), /已逾期/);
  await screenshot('dispute-overdue');

  t.same(outside, [], 'nothing outside the gateway was requested');
  t.same(errors, [], 'no script errors');
});

t.test("the catalogue page shows the resource's format type and the provider's credit code", async (t) => {
  const world = await buildWorld(t);
  const creditCode = createFixtureGenerator({ seed: 16 }).organisation().credit_code;
  const body = { ...personResource('301095/000001', freshTopicName('ui'), 'unconditional'), providerCode: PROVIDER, providerName: '市户籍管理局', providerCreditCode: creditCode, formatType: 'PostgreSQL' };
  const created = await world.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(world.adminKey), payload: body });
  t.equal(created.statusCode, 201, created.body);
  const baseUrl = await world.app.listen({ port: 0, host: '127.0.0.1' });
  const { page, errors } = await openBrowser(t, baseUrl);
  await signIn(page, baseUrl, world.integrator.key);
  await page.goto(`${baseUrl}/ui/#/resources/${created.json().id}`);
  await rendered(page, /^#\/resources\//);
  t.equal(await page.locator('.provider-credit-code').textContent(), creditCode);
  t.match(await page.locator('.details').first().textContent(), /（PostgreSQL）/);
  t.same(errors, []);
});
