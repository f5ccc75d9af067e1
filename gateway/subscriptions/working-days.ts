import { daysOffOf, type HolidayNotice } from './holiday-notices.ts';
import { statutoryHolidays } from './statutory-holidays.ts';

/** Working days a provider has to answer a conditional request (国发〔2016〕51号). */
export const REPLY_WORKING_DAYS = 10;

/** A deadline, provisional when it counted days of a year whose State Council notice the gateway does not hold. */
export interface Deadline {
  date: string;
  provisional: boolean;
  /** Why it is provisional; null when it is final. */
  reason: string | null;
}

export interface WorkingDays {
  /** The years whose notice is known, ascending. */
  readonly noticeYears: readonly number[];
  isWorkingDay(date: string): boolean;
  /** The `days`-th working day after `date`; the day itself does not count, as in administrative time limits. */
  addWorkingDays(date: string, days: number): Deadline;
  /** The last day a provider may answer a request made at `requestedAt`. */
  replyDue(requestedAt: Date, days?: number): Deadline;
}

const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The date (YYYY-MM-DD) of `instant` in the city's time zone. */
export function dateInShanghai(instant: Date): string {
  return shanghaiDate.format(instant);
}

/** A pending request is overdue from the day after its due date (dates in Asia/Shanghai). */
export function isOverdue(replyDue: string, now: Date): boolean {
  return dateInShanghai(now) > replyDue;
}

function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

export function provisionalReason(years: readonly number[]): string {
  return `No State Council holiday notice for ${years.join(', ')} is known to the gateway: counted with weekends and the statutory holidays only; the notice may move this date`;
}

/**
 * Working days: Monday to Friday, less the statutory holidays (always) and the days off of each year's State Council
 * notice, plus the weekend days the notice has worked in their place (调休). A day listed by a notice follows it,
 * whichever year it falls in; other days of a year without a notice follow the statutory rules and make the
 * deadline that counted them provisional.
 */
export function createWorkingDays(notices: readonly HolidayNotice[]): WorkingDays {
  const noticeYears = new Set(notices.map((notice) => notice.year));
  const daysOff = new Set(notices.flatMap(daysOffOf));
  const workedDays = new Set(notices.flatMap((notice) => notice.holidays.flatMap((holiday) => holiday.workedDays)));
  const listed = (date: string) => daysOff.has(date) || workedDays.has(date);
  const isStatutory = (date: string) => statutoryHolidays(Number(date.slice(0, 4))).some((holiday) => holiday.date === date);

  function isWorkingDay(date: string): boolean {
    if (workedDays.has(date)) return true;
    if (daysOff.has(date) || isStatutory(date)) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  function addWorkingDays(date: string, days: number): Deadline {
    const unknownYears = new Set<number>();
    let current = date;
    for (let counted = 0; counted < days; ) {
      current = nextDay(current);
      const year = Number(current.slice(0, 4));
      if (!noticeYears.has(year) && !listed(current)) unknownYears.add(year);
      if (isWorkingDay(current)) counted++;
    }
    const years = [...unknownYears].sort();
    return { date: current, provisional: years.length > 0, reason: years.length > 0 ? provisionalReason(years) : null };
  }

  return {
    noticeYears: [...noticeYears].sort(),
    isWorkingDay,
    addWorkingDays,
    replyDue: (requestedAt, days = REPLY_WORKING_DAYS) => addWorkingDays(dateInShanghai(requestedAt), days),
  };
}
