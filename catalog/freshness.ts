import type { FreshnessState, UpdateCycle } from './vocabulary.ts';

/** The gateway's notion of now; injected so tests can move time. */
export type Clock = () => Date;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The longest a resource may go without a new record and still be on time; null: irregular, never late. */
export const CYCLE_MS: Readonly<Record<UpdateCycle, number | null>> = {
  'real-time': 15 * MINUTE,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 31 * DAY,
  quarterly: 92 * DAY,
  yearly: 366 * DAY,
  irregular: null,
};
/** Late after this many cycles without a new record; stale after STALE_AFTER_CYCLES. */
export const LATE_AFTER_CYCLES = 1;
export const STALE_AFTER_CYCLES = 2;

export const FRESHNESS_RULE =
  'On time while less than one update cycle has passed since the last record published on the resource’s topic ' +
  '(before the first record: since the resource was catalogued); late after one cycle; stale after two. ' +
  'Cycles: real-time 15 minutes, daily 24 hours, weekly 7 days, monthly 31 days, quarterly 92 days, yearly 366 days; ' +
  'irregular resources are never late.';

export interface Freshness {
  state: FreshnessState;
  /** What the age is measured from: the last record published, or the resource's creation when it has none. */
  basis: 'last-record' | 'catalogued';
  since: string;
  /** When the resource turns late and stale if no record comes; null for irregular resources. */
  lateAt: string | null;
  staleAt: string | null;
}

/** Rank for sorting and facets: on time 0, late 1, stale 2. */
export const FRESHNESS_RANK: Readonly<Record<FreshnessState, number>> = { 'on-time': 0, late: 1, stale: 2 };
export const FRESHNESS_BY_RANK: readonly FreshnessState[] = ['on-time', 'late', 'stale'];

/** Freshness rank without allocating: the search ranks every matching resource on each request. */
export function freshnessRank(cycle: UpdateCycle, sinceMs: number, nowMs: number): number {
  const cycleMs = CYCLE_MS[cycle];
  if (cycleMs === null) return 0;
  const age = nowMs - sinceMs;
  if (age > STALE_AFTER_CYCLES * cycleMs) return 2;
  if (age > LATE_AFTER_CYCLES * cycleMs) return 1;
  return 0;
}

export function judgeFreshness(cycle: UpdateCycle, lastRecordAt: Date | null, cataloguedAt: Date, now: Date): Freshness {
  const since = lastRecordAt ?? cataloguedAt;
  const cycleMs = CYCLE_MS[cycle];
  return {
    state: FRESHNESS_BY_RANK[freshnessRank(cycle, since.getTime(), now.getTime())] as FreshnessState,
    basis: lastRecordAt ? 'last-record' : 'catalogued',
    since: since.toISOString(),
    lateAt: cycleMs === null ? null : new Date(since.getTime() + LATE_AFTER_CYCLES * cycleMs).toISOString(),
    staleAt: cycleMs === null ? null : new Date(since.getTime() + STALE_AFTER_CYCLES * cycleMs).toISOString(),
  };
}
