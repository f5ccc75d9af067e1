import t from 'tap';
import { addWorkingDays, isOverdue, isWorkingDay, replyDueDate } from '../../gateway/subscriptions/working-days.ts';

t.test('weekends are not working days, weekdays are', async (t) => {
  t.ok(isWorkingDay('2027-03-05'), 'a Friday');
  t.notOk(isWorkingDay('2027-03-06'), 'a Saturday');
  t.notOk(isWorkingDay('2027-03-07'), 'a Sunday');
});

t.test('the 2026 public holidays are days off and the weekend days worked in their place are working days', async (t) => {
  t.notOk(isWorkingDay('2026-01-01'), "New Year's Day");
  t.notOk(isWorkingDay('2026-02-16'), 'Spring Festival, a Monday');
  t.notOk(isWorkingDay('2026-10-07'), 'National Day holiday, a Wednesday');
  t.ok(isWorkingDay('2026-01-04'), 'Sunday 4 January is worked');
  t.ok(isWorkingDay('2026-02-14'), 'Saturday 14 February is worked');
  t.ok(isWorkingDay('2026-09-20'), 'Sunday 20 September is worked');
});

t.test('ten working days are counted from the day after the request', async (t) => {
  t.equal(addWorkingDays('2027-03-01', 10), '2027-03-15', 'two plain weeks from a Monday');
  t.equal(addWorkingDays('2026-09-24', 10), '2026-10-15', 'across the Mid-Autumn and National Day holidays, with 10 October worked');
});

t.test('the reply date is judged in Shanghai time', async (t) => {
  t.equal(replyDueDate(new Date('2027-02-28T17:00:00Z')), '2027-03-15', 'Sunday evening UTC is Monday morning in Shanghai');
});

t.test('a request is overdue from the day after its reply date', async (t) => {
  t.notOk(isOverdue('2027-03-15', new Date('2027-03-15T15:59:59Z')));
  t.ok(isOverdue('2027-03-15', new Date('2027-03-15T16:00:00Z')));
});
