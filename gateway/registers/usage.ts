import type pg from 'pg';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../plugins/db.ts';

export const LOOKUP_FORMS = ['lookup', 'verify', 'holder'] as const;
export type LookupForm = (typeof LOOKUP_FORMS)[number];

/** What every query must say: why (事由), who at the counter (经办人), and optionally the case (办件编号). */
export interface Accounting {
  purpose: string;
  operator: string;
  caseNumber?: string | undefined;
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
}

export interface RateAlert {
  distinctPerHour: number;
  refused: number;
  firstAt: string;
  lastAt: string;
}

const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The account of every lookup: one audit entry per entity (action `register.lookup`, the entity as its keyed
 * hash) and its row in register_lookups, written in the caller's transaction before the answer; and the hourly
 * limit of distinct entities per subscription.
 */
export function createUsage(db: Db, audit: Pick<AuditLog, 'record'>) {
  return {
    /**
     * Counts `hashes` into the subscription's current hour and answers the distinct entities of the hour with them,
     * or, when that would pass `limit`, the number it would make, counting nothing. Locks the hour's counter row
     * until the transaction ends, so concurrent queries of one subscription are counted one after the other.
     */
    async countWithin(client: pg.ClientBase, subscriptionId: string, hashes: readonly string[], limit: number): Promise<{ allowed: boolean; entities: number }> {
      const window = "date_trunc('hour', now())";
      await client.query(`INSERT INTO register_window_counts (subscription_id, window_start) VALUES ($1, ${window}) ON CONFLICT DO NOTHING`, [subscriptionId]);
      const { rows } = await client.query<{ entities: number }>(`SELECT entities FROM register_window_counts WHERE subscription_id = $1 AND window_start = ${window} FOR UPDATE`, [subscriptionId]);
      const { rows: fresh } = await client.query<{ hash: string }>(
        `SELECT h AS hash FROM unnest($2::text[]) AS h WHERE NOT EXISTS (SELECT 1 FROM register_window_entities w WHERE w.subscription_id = $1 AND w.window_start = ${window} AND w.entity_hash = h)`,
        [subscriptionId, hashes],
      );
      const entities = (rows[0]?.entities ?? 0) + fresh.length;
      if (entities > limit) return { allowed: false, entities };
      if (fresh.length > 0) {
        await client.query(`INSERT INTO register_window_entities (subscription_id, window_start, entity_hash) SELECT $1, ${window}, unnest($2::text[])`, [subscriptionId, fresh.map((row) => row.hash)]);
        await client.query(`UPDATE register_window_counts SET entities = $2 WHERE subscription_id = $1 AND window_start = ${window}`, [subscriptionId, entities]);
      }
      return { allowed: true, entities };
    },

    /** Distinct entities the subscription looked up in the current hour. */
    async entitiesThisHour(subscriptionId: string): Promise<number> {
      const { rows } = await db.query<{ entities: number }>("SELECT entities FROM register_window_counts WHERE subscription_id = $1 AND window_start = date_trunc('hour', now())", [subscriptionId]);
      return rows[0]?.entities ?? 0;
    },

    async record(client: pg.ClientBase, lookup: LookupRecord): Promise<void> {
      const { accounting } = lookup;
      const sequences: number[] = [];
      for (const hash of lookup.entityHashes) {
        const entry = await audit.record(
          {
            principal: lookup.principal,
            action: 'register.lookup',
            object: { type: 'register-entity', id: hash },
            details: { resourceId: lookup.resourceId, subscriptionId: lookup.subscriptionId, form: lookup.form, operator: accounting.operator, purpose: accounting.purpose, caseNumber: accounting.caseNumber ?? null, fields: lookup.fields },
          },
          client,
        );
        sequences.push(entry.sequence);
      }
      await client.query(
        `INSERT INTO register_lookups (resource_id, subscription_id, integrator_id, entity_hash, form, operator, purpose, case_number, fields, audit_sequence)
         SELECT $1, $2, $3, h, $4, $5, $6, $7, $8, s FROM unnest($9::text[], $10::bigint[]) AS u(h, s)`,
        [lookup.resourceId, lookup.subscriptionId, lookup.principal.id, lookup.form, accounting.operator, accounting.purpose, accounting.caseNumber ?? null, JSON.stringify(lookup.fields), lookup.entityHashes, sequences],
      );
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
           l.operator, l.purpose, l.case_number AS "caseNumber", l.fields, l.audit_sequence::float8 AS "auditSequence"
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
