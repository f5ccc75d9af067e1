import t from 'tap';
import { judgeFreshness } from '../../catalog/freshness.ts';
import { manualClock } from './helpers.ts';

const HOUR = 3_600_000;
const lastRecord = new Date('2026-03-02T08:00:00Z');
const catalogued = new Date('2026-01-01T00:00:00Z');

t.test('a daily resource flips from on time to late to stale as the clock passes one and two days without records', async (t) => {
  const clock = manualClock(lastRecord);
  const states: string[] = [];
  for (const hours of [0, 23, 2, 24]) {
    clock.advance(hours * HOUR);
    states.push(judgeFreshness('daily', lastRecord, catalogued, clock.now()).state);
  }
  t.same(states, ['on-time', 'on-time', 'late', 'stale']);
});

t.test('the boundaries are exactly one and two cycles after the last record', async (t) => {
  const judged = judgeFreshness('weekly', lastRecord, catalogued, lastRecord);
  t.equal(judged.lateAt, '2026-03-09T08:00:00.000Z');
  t.equal(judged.staleAt, '2026-03-16T08:00:00.000Z');
  t.equal(judgeFreshness('weekly', lastRecord, catalogued, new Date(judged.lateAt as string)).state, 'on-time');
  t.equal(judgeFreshness('weekly', lastRecord, catalogued, new Date(Date.parse(judged.lateAt as string) + 1)).state, 'late');
});

t.test('a real-time resource is late after 15 minutes without records', async (t) => {
  t.equal(judgeFreshness('real-time', lastRecord, catalogued, new Date(lastRecord.getTime() + 14 * 60_000)).state, 'on-time');
  t.equal(judgeFreshness('real-time', lastRecord, catalogued, new Date(lastRecord.getTime() + 16 * 60_000)).state, 'late');
  t.equal(judgeFreshness('real-time', lastRecord, catalogued, new Date(lastRecord.getTime() + 31 * 60_000)).state, 'stale');
});

t.test('an irregular resource is never late', async (t) => {
  const judged = judgeFreshness('irregular', lastRecord, catalogued, new Date('2030-01-01T00:00:00Z'));
  t.match(judged, { state: 'on-time', lateAt: null, staleAt: null });
});

t.test('before its first record a resource is judged from when it was catalogued', async (t) => {
  const judged = judgeFreshness('monthly', null, catalogued, new Date('2026-02-15T00:00:00Z'));
  t.match(judged, { state: 'late', basis: 'catalogued', since: catalogued.toISOString() });
});
