import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { manualClock } from '../catalog/helpers.ts';
import { NOTICE_2027, noticeFolder } from './notices.ts';
import { buildGateway, buildWorld, subscribe } from './world.ts';

t.test('a conditional request counted into a year without its notice shows a provisional reply date with the reason', async (t) => {
  const clock = manualClock(new Date('2026-12-18T02:00:00Z'));
  const world = await buildWorld(t, { sharing: 'conditional', catalog: { clock: clock.now } });
  const subscription = await subscribe(world);
  t.match(subscription, { status: 'pending', replyDue: '2027-01-04', replyDueProvisional: true, replyDueReason: /No State Council holiday notice for 2027/ });
  const seen = (await world.app.inject({ url: `/api/v1/subscriptions/${subscription.id}`, headers: bearer(world.provider.key) })).json();
  t.match(seen, { replyDue: '2027-01-04', replyDueProvisional: true }, 'the provider sees it provisional too');
});

t.test('a request counted inside a year with its notice has a final reply date', async (t) => {
  const clock = manualClock(new Date('2026-03-02T02:00:00Z'));
  const world = await buildWorld(t, { sharing: 'conditional', catalog: { clock: clock.now } });
  t.match(await subscribe(world), { replyDue: '2026-03-16', replyDueProvisional: false, replyDueReason: null });
});

t.test('adding the next year’s notice recounts pending reply dates on start, audits each move once, and leaves decided requests alone', async (t) => {
  const clock = manualClock(new Date('2026-12-18T02:00:00Z'));
  const world = await buildWorld(t, { sharing: 'conditional', catalog: { clock: clock.now } });
  const pending = await subscribe(world);
  const decided = await subscribe(world, {}, world.otherIntegrator.key);
  const rejected = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${decided.id}/reject`, headers: bearer(world.provider.key), payload: { reason: '用途不明确' } });
  t.equal(rejected.statusCode, 200, rejected.body);

  const dir = noticeFolder(t, { '2027.json': NOTICE_2027 });
  const restarted = await buildGateway(t, { databaseUrl: world.databaseUrl, adminKey: world.adminKey, catalog: { clock: clock.now }, holidayNoticesDir: dir });
  const after = (await restarted.app.inject({ url: `/api/v1/subscriptions/${pending.id}`, headers: bearer(world.provider.key) })).json();
  t.match(after, { replyDue: '2027-01-05', replyDueProvisional: false, replyDueReason: null }, '4 January is a day off in the notice');
  t.equal((await restarted.app.inject({ url: `/api/v1/subscriptions/${decided.id}`, headers: bearer(world.provider.key) })).json().replyDue, '2027-01-04', 'a rejected request keeps its date');

  await buildGateway(t, { databaseUrl: world.databaseUrl, adminKey: world.adminKey, catalog: { clock: clock.now }, holidayNoticesDir: dir });
  const audit = (await restarted.app.inject({ url: '/api/v1/audit?action=subscription.reply-due.recount&order=asc', headers: bearer(world.adminKey) })).json();
  t.equal(audit.items.length, 1, 'one move, audited once across two starts');
  t.match(audit.items[0], { objectId: pending.id, details: { from: '2027-01-04', to: '2027-01-05', provisional: false, noticeYears: [2026, 2027] } });
});

t.test('a bad notice file stops the start and names the file and the problem', async (t) => {
  const dir = noticeFolder(t, { '2027.json': { ...NOTICE_2027, holidays: NOTICE_2027.holidays.filter((holiday) => holiday.name !== '中秋节') } });
  await t.rejects(buildGateway(t, { holidayNoticesDir: dir }), /2027\.json: the statutory holiday 2027-09-15 \(中秋节\) is not a day off/);
  const broken = noticeFolder(t, { '2027.json': '{ "year": 2027,' });
  await t.rejects(buildGateway(t, { holidayNoticesDir: broken }), /2027\.json: .*JSON/);
});
