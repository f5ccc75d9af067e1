import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A made-up State Council notice for 2027 (the real one is not published yet): 4 January is a day off. */
export const NOTICE_2027 = {
  year: 2027,
  title: '国务院办公厅关于2027年部分节假日安排的通知 (test)',
  published: '2026-11-20',
  holidays: [
    { name: '元旦', daysOff: ['2027-01-01', '2027-01-04'], workedDays: [] },
    { name: '春节', daysOff: ['2027-02-05', '2027-02-11'], workedDays: [] },
    { name: '清明节', daysOff: ['2027-04-03', '2027-04-05'], workedDays: [] },
    { name: '劳动节', daysOff: ['2027-05-01', '2027-05-05'], workedDays: [] },
    { name: '端午节', daysOff: ['2027-06-09', '2027-06-11'], workedDays: [] },
    { name: '中秋节', daysOff: ['2027-09-15', '2027-09-17'], workedDays: [] },
    { name: '国庆节', daysOff: ['2027-10-01', '2027-10-07'], workedDays: [] },
  ],
};

/** A folder of holiday notice files, removed when the test ends. */
export function noticeFolder(t: { teardown(fn: () => unknown): void }, files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dx-notices-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}
