const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Whether the date exists in the (proleptic) Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The last day asked for and its date: validation asks once per ID number, and the answer changes once a day. */
let lastDay = NaN;
let lastDate = '';

/** Dates in Chinese registers are local calendar dates, so "today" is taken in UTC+8. `now` may be epoch milliseconds. */
export function chinaToday(now: Date | number): string {
  const day = Math.floor(((typeof now === 'number' ? now : now.getTime()) + CHINA_UTC_OFFSET_MS) / DAY_MS);
  if (day !== lastDay) {
    lastDate = new Date(day * DAY_MS).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}

export function toIsoDate(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}
