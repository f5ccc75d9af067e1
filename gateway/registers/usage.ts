import type { Principal } from '../auth/principal.ts';
import type { Db } from '../plugins/db.ts';

export const LOOKUP_FORMS = ['lookup', 'verify', 'holder'] as const;
export type LookupForm = (typeof LOOKUP_FORMS)[number];

/** What every query must say: why (事由), who at the counter (经办人), and optionally the case (办件编号). */
export interface Accounting {
  purpose: string;
  operator: string;
  caseNumber?: string | undefined;
  /** A lookup a peer gateway made for one of its integrators (docs/federation.md); never from a local body. */
  onBehalfOf?: OnBehalfOf | undefined;
}

/** The requesting gateway and its integrator of a federated lookup. */
export interface OnBehalfOf {
  instance: string;
  integrator: string;
}

export interface LookupRecord {
  resourceId: string;
  subscriptionId: string;
  principal: Principal;
  form: LookupForm;
  /** The fields answered (lookup, holder) or verified (verify). */
  fields: readonly string[];
  accounting: Accounting;
  /** One per entity looked up. */
  entityHashes: readonly string[];
}

export interface UsageEntry {
  lookedUpAt: string;
  form: LookupForm;
  subscriptionId: string;
  integratorId: string;
  integratorName: string;
  operator: string;
  purpose: string;
  caseNumber: string | null;
  fields: string[];
  auditSequence: number;
  onBehalfOf: OnBehalfOf | null;
}

export interface RateAlert {
  distinctPerHour: number;
  refused: number;
  firstAt: string;
  lastAt: string;
}

const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * What the account of the lookups shows: the hourly counts, the alerts of refused subscriptions, who looked an entity
 * up, the lookups per day. The account itself is written by gateway/registers/accounting-group.ts.
 */
export function createUsage(db: Db) {
  return {
    /** Distinct entities the subscription looked up in the current hour. */
    async entitiesThisHour(subscriptionId: string): Promise<number> {
      const { rows } = await db.query<{ entities: number }>("SELECT entities FROM register_window_counts WHERE subscription_id = $1 AND window_start = date_trunc('hour', now())", [subscriptionId]);
      return rows[0]?.entities ?? 0;
    },

    /** Records a refusal by the hourly limit: the alert the provider and the office see on the subscription. */
    async alert(subscriptionId: string, distinctPerHour: number): Promise<void> {
      await db.query(
        `INSERT INTO register_rate_alerts (subscription_id, distinct_per_hour) VALUES ($1, $2)
         ON CONFLICT (subscription_id) DO UPDATE SET refused = register_rate_alerts.refused + 1, distinct_per_hour = $2, last_at = now()`,
        [subscriptionId, distinctPerHour],
      );
    },

    async alertOf(subscriptionId: string): Promise<RateAlert | null> {
      const { rows } = await db.query<RateAlert>(
        `SELECT distinct_per_hour AS "distinctPerHour", refused::int AS refused, ${ts('first_at')} AS "firstAt", ${ts('last_at')} AS "lastAt" FROM register_rate_alerts WHERE subscription_id = $1`,
        [subscriptionId],
      );
      return rows[0] ?? null;
    },

    /** The subscriptions of a resource refused by their limit. */
    async alertsOf(resourceId: string): Promise<(RateAlert & { subscriptionId: string; integratorName: string })[]> {
      const { rows } = await db.query<RateAlert & { subscriptionId: string; integratorName: string }>(
        `SELECT a.subscription_id AS "subscriptionId", p.name AS "integratorName", a.distinct_per_hour AS "distinctPerHour", a.refused::int AS refused,
           ${ts('a.first_at')} AS "firstAt", ${ts('a.last_at')} AS "lastAt"
         FROM register_rate_alerts a JOIN subscriptions s ON s.id = a.subscription_id JOIN principals p ON p.id = s.integrator_id
         WHERE s.resource_id = $1 ORDER BY a.last_at DESC`,
        [resourceId],
      );
      return rows;
    },

    /** Who looked the entity up: its lookups on the resource under any of `hashes`, newest first. */
    async ofEntity(resourceId: string, hashes: readonly string[], limit: number): Promise<UsageEntry[]> {
      const { rows } = await db.query<UsageEntry>(
        `SELECT ${ts('l.looked_up_at')} AS "lookedUpAt", l.form, l.subscription_id AS "subscriptionId", l.integrator_id AS "integratorId", p.name AS "integratorName",
           l.operator, l.purpose, l.case_number AS "caseNumber", l.fields, l.audit_sequence::float8 AS "auditSequence",
           l.on_behalf_of AS "onBehalfOf"
         FROM register_lookups l JOIN principals p ON p.id = l.integrator_id
         WHERE l.resource_id = $1 AND l.entity_hash = ANY($2::text[]) ORDER BY l.looked_up_at DESC, l.id DESC LIMIT $3`,
        [resourceId, hashes, limit],
      );
      return rows;
    },

    /** Entities looked up per day (Asia/Shanghai) over the last `days` days. */
    async perDay(resourceId: string, days: number): Promise<{ date: string; lookups: number }[]> {
      const { rows } = await db.query<{ date: string; lookups: number }>(
        `SELECT (looked_up_at AT TIME ZONE 'Asia/Shanghai')::date::text AS date, count(*)::int AS lookups FROM register_lookups
         WHERE resource_id = $1 AND looked_up_at > now() - make_interval(days => $2) GROUP BY 1 ORDER BY 1`,
        [resourceId, days],
      );
      return rows;
    },
  };
}

export type Usage = ReturnType<typeof createUsage>;
