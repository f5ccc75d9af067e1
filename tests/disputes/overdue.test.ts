import ExcelJS from 'exceljs';
import t from 'tap';
import { DISPUTE_COLUMNS } from '../../catalog/export/xlsx.ts';
import { manualClock } from '../catalog/helpers.ts';
import { bearer } from '../helpers/app.ts';
import { buildWorld, subscribe } from '../subscriptions/world.ts';
import { answer, auditActions, disputeBody, eventually, raised } from './helpers.ts';

t.test('an open dispute past its answer date shows overdue, tells the office once and counts for the resource', async (t) => {
  // Monday 28 December 2026, 10:00 in Shanghai: five working days, with New Year's Day off, end on 5 January 2027.
  const clock = manualClock(new Date('2026-12-28T02:00:00Z'));
  const world = await buildWorld(t, { catalog: { clock: clock.now } });
  await subscribe(world);
  const [late, answered] = world.people(2);
  const open = await raised(world, disputeBody(world, late!.id_number));
  const other = await raised(world, disputeBody(world, answered!.id_number));
  t.match(open, { answerDue: '2027-01-05', answerDueProvisional: true, answerDueReason: /2027/, overdue: false });

  clock.set(new Date('2027-01-05T15:00:00Z'));
  t.equal((await world.app.inject({ url: `/api/v1/disputes/${open.id}`, headers: bearer(world.provider.key) })).json().overdue, false, 'not on its answer date');

  clock.set(new Date('2027-01-05T16:30:00Z'));
  const shown = (await world.app.inject({ url: `/api/v1/disputes/${open.id}`, headers: bearer(world.provider.key) })).json();
  t.equal(shown.overdue, true, 'overdue from the next day in Shanghai');
  t.equal((await answer(world, other.id, 'reject', world.provider.key, { reason: '记录无误' })).json().answer.late, true, 'an answer after the date is late');

  const listed = (await world.app.inject({ url: '/api/v1/disputes?overdue=true', headers: bearer(world.adminKey) })).json();
  t.same(listed.items.map((item: { id: string }) => item.id), [open.id], 'the office lists the overdue ones');
  const told = await eventually(async () => (await auditActions(world, open.id)).includes('dispute.overdue'));
  t.ok(told, 'the office is told through the audit log');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  t.same(await auditActions(world, open.id), ['dispute.raise', 'dispute.overdue'], 'once');
  const metrics = (await world.app.inject({ url: '/metrics' })).body;
  t.match(metrics, /^dx_disputes_overdue 1$/m);

  const summary = { open: 1, overdue: 1, confirmed: 0, rejected: 1, answeredLate: 1 };
  t.match((await world.app.inject({ url: `/api/v1/catalog/resources/${world.resource.id}/disputes`, headers: bearer(world.otherIntegrator.key) })).json(), summary, 'the catalogue shows the counts to everyone');
  const statistics = (await world.app.inject({ url: `/api/v1/catalog/resources/${world.resource.id}/statistics`, headers: bearer(world.integrator.key) })).json();
  t.match(statistics.disputes, { ...summary, averageAnswerDays: Number });
  t.ok(statistics.disputes.averageAnswerDays > 8, 'answer times in days');

  const exported = await world.app.inject({ url: '/api/v1/catalog/export.xlsx', headers: bearer(world.adminKey) });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(exported.rawPayload as never);
  const sheet = workbook.getWorksheet('数据异议');
  t.same((sheet?.getRow(1).values as unknown[]).slice(1), [...DISPUTE_COLUMNS]);
  t.same((sheet?.getRow(2).values as unknown[]).slice(1, 9), [world.resource.code, world.resource.name, world.resource.providerCode, 1, 1, 0, 1, 1]);
});
