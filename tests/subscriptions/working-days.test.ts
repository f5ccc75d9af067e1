import t from 'tap';
import { loadHolidayNotices, noticeProblems, type HolidayNotice } from '../../gateway/subscriptions/holiday-notices.ts';
import { statutoryHolidays } from '../../gateway/subscriptions/statutory-holidays.ts';
import { createWorkingDays, isOverdue } from '../../gateway/subscriptions/working-days.ts';

const notices = loadHolidayNotices();
const calendar = createWorkingDays(notices);

function* days(first: string, last: string): Generator<string> {
  for (let day = new Date(`${first}T00:00:00Z`); day.toISOString().slice(0, 10) <= last; day.setUTCDate(day.getUTCDate() + 1)) yield day.toISOString().slice(0, 10);
}
const range = (first: string, last: string) => [...days(first, last)];
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

t.test('weekends are not working days, weekdays are', async (t) => {
  t.ok(calendar.isWorkingDay('2027-03-05'), 'a Friday');
  t.notOk(calendar.isWorkingDay('2027-03-06'), 'a Saturday');
  t.notOk(calendar.isWorkingDay('2027-03-07'), 'a Sunday');
});

t.test('every day of 2026 is a working day exactly as the State Council notice of 2025-11-04 says', async (t) => {
  const daysOff = new Set([
    ...range('2026-01-01', '2026-01-03'), ...range('2026-02-15', '2026-02-23'), ...range('2026-04-04', '2026-04-06'), ...range('2026-05-01', '2026-05-05'),
    ...range('2026-06-19', '2026-06-21'), ...range('2026-09-25', '2026-09-27'), ...range('2026-10-01', '2026-10-07'),
  ]);
  const worked = new Set(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  const wrong = range('2026-01-01', '2026-12-31').filter((day) => calendar.isWorkingDay(day) !== (worked.has(day) || (!daysOff.has(day) && !isWeekend(day))));
  t.same(wrong, []);
  t.equal(calendar.addWorkingDays('2026-09-24', 10).date, '2026-10-15', 'across the Mid-Autumn and National Day holidays, with 10 October worked');
  t.same(calendar.addWorkingDays('2026-03-02', 10), { date: '2026-03-16', provisional: false, reason: null }, 'a deadline inside a year with its notice is final');
});

t.test('the statutory holidays of 2026 to 2030 fall on their published dates', async (t) => {
  // Spring Festival eve and the first day of the first lunar month, Qingming, Dragon Boat, Mid-Autumn, from the published calendars.
  const lunar: Record<number, string[]> = {
    2026: ['02-16', '02-17', '04-05', '06-19', '09-25'],
    2027: ['02-05', '02-06', '04-05', '06-09', '09-15'],
    2028: ['01-25', '01-26', '04-04', '05-28', '10-03'],
    2029: ['02-12', '02-13', '04-04', '06-16', '09-22'],
    2030: ['02-02', '02-03', '04-05', '06-05', '09-12'],
  };
  for (const [year, [eve, first, qingming, dragonBoat, midAutumn]] of Object.entries(lunar)) {
    const holidays = statutoryHolidays(Number(year));
    const on = (name: string) => holidays.filter((holiday) => holiday.name === name).map((holiday) => holiday.date.slice(5));
    t.same(on('春节（除夕）'), [eve], `${year} Spring Festival eve`);
    const next = (date: string, n: number) => new Date(Date.parse(`${year}-${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(5, 10);
    t.same(on('春节'), [first, next(first as string, 1), next(first as string, 2)], `${year} first three days of the first lunar month`);
    t.same(on('清明节'), [qingming], `${year} Qingming`);
    t.same(on('端午节'), [dragonBoat], `${year} Dragon Boat`);
    t.same(on('中秋节'), [midAutumn], `${year} Mid-Autumn`);
    t.same(on('元旦'), ['01-01']);
    t.same(on('劳动节'), ['05-01', '05-02']);
    t.same(on('国庆节'), ['10-01', '10-02', '10-03']);
  }
});

t.test('a request of Friday 2026-12-18 is due on Monday 2027-01-04, not on New Year’s Day, and provisionally', async (t) => {
  const due = calendar.addWorkingDays('2026-12-18', 10);
  t.equal(due.date, '2027-01-04');
  t.equal(due.provisional, true);
  t.match(due.reason, /No State Council holiday notice for 2027/);
  t.notOk(calendar.isWorkingDay('2027-02-08'), 'the third day of the 2027 Spring Festival is a day off without a notice');
  t.notOk(calendar.isWorkingDay('2027-01-01'));
});

t.test('every request day from 2026-12-01 to 2027-12-31 gets a working day, provisional exactly when it counts 2027', async (t) => {
  const statutory2027 = new Set(['2027-01-01', ...range('2027-02-05', '2027-02-08'), '2027-04-05', '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', ...range('2027-10-01', '2027-10-03')]);
  const problems: string[] = [];
  for (const day of days('2026-12-01', '2027-12-31')) {
    const due = calendar.addWorkingDays(day, 10);
    if (isWeekend(due.date) || statutory2027.has(due.date) || !calendar.isWorkingDay(due.date)) problems.push(`${day} → ${due.date} is not a working day`);
    if (due.provisional !== due.date >= '2027-01-01') problems.push(`${day} → ${due.date} provisional ${due.provisional}`);
  }
  t.same(problems, []);
});

t.test('a notice for the next year makes its deadlines final and can move them', async (t) => {
  const next: HolidayNotice = {
    year: 2027,
    title: 'test notice',
    published: '2026-11-20',
    holidays: [
      { name: '元旦', daysOff: ['2027-01-01', '2027-01-04'], workedDays: [] },
      { name: '春节', daysOff: ['2027-02-05', '2027-02-11'], workedDays: ['2027-02-20'] },
      { name: '清明节', daysOff: ['2027-04-03', '2027-04-05'], workedDays: [] },
      { name: '劳动节', daysOff: ['2027-05-01', '2027-05-05'], workedDays: [] },
      { name: '端午节', daysOff: ['2027-06-09', '2027-06-11'], workedDays: [] },
      { name: '中秋节', daysOff: ['2027-09-15', '2027-09-17'], workedDays: [] },
      { name: '国庆节', daysOff: ['2027-10-01', '2027-10-07'], workedDays: [] },
    ],
  };
  t.same(noticeProblems(next, '2027.json'), []);
  const withNext = createWorkingDays([...notices, next]);
  t.same(withNext.addWorkingDays('2026-12-18', 10), { date: '2027-01-05', provisional: false, reason: null });
  t.ok(withNext.isWorkingDay('2027-02-20'), 'a worked Saturday');
  t.equal(withNext.addWorkingDays('2027-12-27', 10).provisional, true, 'counting into 2028 is provisional again');
});

t.test('a notice file that contradicts the statutory holidays or itself is refused with each problem named', async (t) => {
  const notice = {
    year: 2026,
    title: 'typo',
    published: '2025-11-04',
    holidays: [
      { name: '中秋节', daysOff: ['2026-09-26', '2026-09-27'], workedDays: ['2026-09-23'] },
      { name: '国庆节', daysOff: ['2026-10-07', '2026-10-01'], workedDays: [] },
    ],
  };
  const problems = noticeProblems(notice, 'notices/2025.json');
  t.match(problems, [/year 2026 is not the file's name/, /holidays\[0\].workedDays 2026-09-23 is not a Saturday or Sunday/, /holidays\[1\].daysOff ends before it starts/]);
  t.ok(problems.some((problem) => /2026-09-25 \(中秋节\) is not a day off/.test(problem)), 'the Mid-Autumn festival itself is missing');
  t.ok(problems.some((problem) => /2026-01-01 \(元旦\)/.test(problem)) === false, 'New Year may be arranged in the notice of the year before');
  t.match(noticeProblems({ year: 2026, holidays: [] }, '2026.json'), [/title is required/, /published is required/, /holidays must NOT have fewer than 1 items/]);
});

t.test('the reply date is judged in Shanghai time', async (t) => {
  t.equal(calendar.replyDue(new Date('2027-02-28T17:00:00Z')).date, '2027-03-15', 'Sunday evening UTC is Monday morning in Shanghai');
});

t.test('a request is overdue from the day after its reply date', async (t) => {
  t.notOk(isOverdue('2027-03-15', new Date('2027-03-15T15:59:59Z')));
  t.ok(isOverdue('2027-03-15', new Date('2027-03-15T16:00:00Z')));
});
