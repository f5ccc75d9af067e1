/**
 * Working days for reply deadlines: Monday to Friday, less public holidays, plus the weekend days worked in their
 * place (调休), as the State Council's holiday notice for each year sets them. Years without an entry here count
 * weekends only; add each year's notice when it is published (usually in November of the year before).
 */
const CALENDARS: Readonly<Record<number, { holidays: readonly string[]; workedWeekends: readonly string[] }>> = {
  // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
  2026: {
    holidays: [
      '2026-01-01', '2026-01-02', '2026-01-03',
      '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
      '2026-04-04', '2026-04-05', '2026-04-06',
      '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
      '2026-06-19', '2026-06-20', '2026-06-21',
      '2026-09-25', '2026-09-26', '2026-09-27',
      '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
    ],
    workedWeekends: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

const HOLIDAYS = new Set(Object.values(CALENDARS).flatMap((calendar) => calendar.holidays));
const WORKED_WEEKENDS = new Set(Object.values(CALENDARS).flatMap((calendar) => calendar.workedWeekends));

/** Working days a provider has to answer a conditional request (国发〔2016〕51号). */
export const REPLY_WORKING_DAYS = 10;

const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The date (YYYY-MM-DD) of `instant` in the city's time zone. */
export function dateInShanghai(instant: Date): string {
  return shanghaiDate.format(instant);
}

export function isWorkingDay(date: string): boolean {
  if (WORKED_WEEKENDS.has(date)) return true;
  if (HOLIDAYS.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** The `days`-th working day after `date`; the day itself does not count, as in administrative time limits. */
export function addWorkingDays(date: string, days: number): string {
  let current = date;
  for (let counted = 0; counted < days; ) {
    current = nextDay(current);
    if (isWorkingDay(current)) counted++;
  }
  return current;
}

/** The last day a provider may answer a request made at `requestedAt`. */
export function replyDueDate(requestedAt: Date, days = REPLY_WORKING_DAYS): string {
  return addWorkingDays(dateInShanghai(requestedAt), days);
}

/** A pending request is overdue from the day after its due date (dates in Asia/Shanghai). */
export function isOverdue(replyDue: string, now: Date): boolean {
  return dateInShanghai(now) > replyDue;
}
