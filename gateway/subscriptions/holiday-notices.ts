import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { projectPath } from '../../project-root.ts';
import { fieldProblems } from '../validation-messages.ts';
import { statutoryHolidays } from './statutory-holidays.ts';

/** The notices shipped with the gateway, one file per year (`2026.json`). */
export const HOLIDAY_NOTICES_DIR = projectPath('gateway', 'subscriptions', 'holiday-notices');

const IsoDate = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const HOLIDAY_NOTICE_SCHEMA = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'The year the notice arranges' }),
    title: Type.String({ minLength: 1, description: 'The notice as published, e.g. 国务院办公厅关于2026年部分节假日安排的通知' }),
    published: IsoDate,
    holidays: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1 }),
          daysOff: Type.Tuple([IsoDate, IsoDate], { description: 'First and last day off, inclusive' }),
          workedDays: Type.Array(IsoDate, { description: 'Weekend days worked in their place (调休上班)' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export type HolidayNotice = Static<typeof HOLIDAY_NOTICE_SCHEMA>;

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
const validate = ajv.compile<HolidayNotice>(HOLIDAY_NOTICE_SCHEMA);

function* daysBetween(first: string, last: string): Generator<string> {
  for (let day = new Date(`${first}T00:00:00Z`); day.toISOString().slice(0, 10) <= last; day.setUTCDate(day.getUTCDate() + 1)) {
    yield day.toISOString().slice(0, 10);
  }
}

export const daysOffOf = (notice: HolidayNotice): string[] => notice.holidays.flatMap((holiday) => [...daysBetween(holiday.daysOff[0], holiday.daysOff[1])]);

/** What is wrong with a parsed notice file, each problem named; empty when it can be used. */
export function noticeProblems(candidate: unknown, file: string): string[] {
  if (!validate(candidate)) return fieldProblems(validate.errors ?? []).map((problem) => `${file}: ${problem.path} ${problem.message}`);
  const notice = candidate;
  const problems: string[] = [];
  if (file.endsWith('.json') && !file.endsWith(`${notice.year}.json`)) problems.push(`${file}: year ${notice.year} is not the file's name`);
  for (const [index, holiday] of notice.holidays.entries()) {
    if (holiday.daysOff[0] > holiday.daysOff[1]) problems.push(`${file}: holidays[${index}].daysOff ends before it starts`);
    for (const worked of holiday.workedDays) {
      const weekday = new Date(`${worked}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) problems.push(`${file}: holidays[${index}].workedDays ${worked} is not a Saturday or Sunday`);
    }
  }
  const off = new Set(daysOffOf(notice));
  // A New Year's Day next to a weekend was once arranged in the notice of the year before, so only 1 January may be missing.
  const newYearElsewhere = !notice.holidays.some((holiday) => holiday.name.includes('元旦'));
  for (const statutory of statutoryHolidays(notice.year)) {
    if (off.has(statutory.date) || (newYearElsewhere && statutory.name === '元旦')) continue;
    problems.push(`${file}: the statutory holiday ${statutory.date} (${statutory.name}) is not a day off`);
  }
  return problems;
}

/**
 * Reads every `YYYY.json` notice in the shipped folder and in `extraDir`. A bad file stops the start with each
 * problem named: a wrong notice would move every deadline silently.
 */
export function loadHolidayNotices(extraDir?: string): HolidayNotice[] {
  const byYear = new Map<number, HolidayNotice>();
  const problems: string[] = [];
  for (const dir of [HOLIDAY_NOTICES_DIR, ...(extraDir ? [extraDir] : [])]) {
    if (!existsSync(dir)) {
      problems.push(`${dir}: no such folder`);
      continue;
    }
    for (const name of readdirSync(dir).filter((entry) => /^\d{4}\.json$/.test(entry)).sort()) {
      const file = join(dir, name);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`${file}: ${(err as Error).message}`);
        continue;
      }
      const found = noticeProblems(parsed, file);
      if (found.length > 0) problems.push(...found);
      else byYear.set((parsed as HolidayNotice).year, parsed as HolidayNotice);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid holiday notices:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}
