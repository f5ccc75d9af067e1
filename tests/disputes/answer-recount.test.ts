import t from 'tap';
import { manualClock } from '../catalog/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { NOTICE_2027, noticeFolder } from '../subscriptions/notices.ts';
import { buildGateway, buildWorld, subscribe } from '../subscriptions/world.ts';
import { answer, disputeBody, raised } from './helpers.ts';

t.test("adding the next year's notice recounts open disputes' answer dates on start, audits each move once, and leaves answered ones alone", async (t) => {
  const clock = manualClock(new Date('2026-12-28T02:00:00Z'));
  const world = await buildWorld(t, { catalog: { clock: clock.now } });
  await subscribe(world);
  const [first, second] = world.people(2);
  const open = await raised(world, disputeBody(world, first!.id_number));
  const answered = await raised(world, disputeBody(world, second!.id_number));
  t.match(open, { answerDue: '2027-01-05', answerDueProvisional: true });
  t.equal((await answer(world, answered.id, 'reject', world.provider.key, { reason: '记录无误' })).statusCode, 200);

  const dir = noticeFolder(t, { '2027.json': NOTICE_2027 });
  const restarted = await buildGateway(t, { databaseUrl: world.databaseUrl, adminKey: world.adminKey, catalog: { clock: clock.now }, holidayNoticesDir: dir, env: { DX_DISPUTE_ANSWER_WORKING_DAYS: '10' } });
  const after = (await restarted.app.inject({ url: `/api/v1/disputes/${open.id}`, headers: bearer(world.provider.key) })).json();
  t.match(after, { answerDue: '2027-01-06', answerDueProvisional: false, answerDueReason: null }, '4 January is a day off in the notice; the five working days it was given still count');
  t.equal((await restarted.app.inject({ url: `/api/v1/disputes/${answered.id}`, headers: bearer(world.provider.key) })).json().answerDue, '2027-01-05', 'an answered dispute keeps its date');

  await buildGateway(t, { databaseUrl: world.databaseUrl, adminKey: world.adminKey, catalog: { clock: clock.now }, holidayNoticesDir: dir });
  const audit = (await restarted.app.inject({ url: '/api/v1/audit?action=dispute.answer-due.recount&order=asc', headers: bearer(world.adminKey) })).json();
  t.equal(audit.items.length, 1, 'one move, audited once across two starts');
  t.match(audit.items[0], { objectId: open.id, details: { from: '2027-01-05', to: '2027-01-06', provisional: false, noticeYears: [2026, 2027] } });
});
