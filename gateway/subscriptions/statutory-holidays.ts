import { Lunar } from 'lunar-typescript';

export interface StatutoryHoliday {
  date: string;
  name: string;
}

const cache = new Map<number, readonly StatutoryHoliday[]>();

const iso = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

function lunarDay(year: number, month: number, day: number, offset = 0): string {
  return Lunar.fromYmd(year, month, day).getSolar().next(offset).toYmd();
}

/**
 * The days off of 《全国年节及纪念日放假办法》 (as revised in 2024) in the Gregorian `year`: they are days off whatever
 * a year's State Council notice adds or moves around them. The lunar dates and Qingming (a solar term) come from
 * lunar-typescript; Spring Festival eve is the day before the first day of the first lunar month, so 腊月廿九 in the
 * years whose twelfth month is short.
 */
export function statutoryHolidays(year: number): readonly StatutoryHoliday[] {
  const known = cache.get(year);
  if (known) return known;
  const qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()['清明'];
  const holidays: StatutoryHoliday[] = [
    { date: iso(year, 1, 1), name: '元旦' },
    { date: lunarDay(year, 1, 1, -1), name: '春节（除夕）' },
    { date: lunarDay(year, 1, 1), name: '春节' },
    { date: lunarDay(year, 1, 1, 1), name: '春节' },
    { date: lunarDay(year, 1, 1, 2), name: '春节' },
    { date: qingming ? qingming.toYmd() : '', name: '清明节' },
    { date: iso(year, 5, 1), name: '劳动节' },
    { date: iso(year, 5, 2), name: '劳动节' },
    { date: lunarDay(year, 5, 5), name: '端午节' },
    { date: lunarDay(year, 8, 15), name: '中秋节' },
    { date: iso(year, 10, 1), name: '国庆节' },
    { date: iso(year, 10, 2), name: '国庆节' },
    { date: iso(year, 10, 3), name: '国庆节' },
  ];
  if (holidays.some((holiday) => !holiday.date.startsWith(`${year}-`))) throw new Error(`statutory holidays of ${year} fall outside it: ${JSON.stringify(holidays)}`);
  cache.set(year, Object.freeze(holidays));
  return holidays;
}
