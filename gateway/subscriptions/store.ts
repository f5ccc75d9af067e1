import type { Resource } from '../../catalog/model.ts';
import type { Db, Queryable } from '../db/database.ts';
import type { DeliveryMode, ParkedBatch, Subscription, SubscriptionStatus } from './model.ts';
import type { Deadline } from './working-days.ts';

const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COLUMNS = `s.id, s.integrator_id AS "integratorId", p.name AS "integratorName", s.resource_id AS "resourceId", r.code AS "resourceCode",
  r.name AS "resourceName", r.provider_code AS "providerCode", s.sharing_type AS "sharingType", s.purpose, s.legal_basis AS "legalBasis",
  s.requested_fields AS "requestedFields", s.approved_fields AS "approvedFields", s.delivery_mode AS "deliveryMode", s.webhook_url AS "webhookUrl",
  s.webhook_max_attempts AS "webhookMaxAttempts", s.status, s.reply_due::text AS "replyDue",
  s.reply_counted_from::text AS "replyCountedFrom", s.reply_due_provisional_reason AS "replyDueProvisionalReason", ${ts('s.decided_at')} AS "decidedAt",
  s.decided_by AS "decidedBy", s.decision_reason AS "decisionReason", ${ts('s.expires_at')} AS "expiresAt", ${ts('s.revoked_at')} AS "revokedAt",
  s.revoked_by AS "revokedBy", s.revoke_reason AS "revokeReason", s.kafka_acl AS "kafkaAcl", s.query_distinct_per_hour AS "queryDistinctPerHour", s.delivered::float8 AS delivered,
  ${ts('s.last_delivered_at')} AS "lastDeliveredAt", ${ts('s.created_at')} AS "createdAt", ${ts('s.updated_at')} AS "updatedAt",
  CASE WHEN k.subscription_id IS NULL THEN NULL ELSE json_build_object('partition', k.partition, 'fromOffset', k.from_offset::text,
    'toOffset', k.to_offset::text, 'records', k.records, 'attempts', k.attempts, 'lastError', k.last_error, 'parkedAt', ${ts('k.parked_at')}) END AS parked`;
const FROM = `subscriptions s JOIN principals p ON p.id = s.integrator_id JOIN catalog_resources r ON r.id = s.resource_id
  LEFT JOIN subscription_parked k ON k.subscription_id = s.id`;

export interface NewSubscription {
  integratorId: string;
  resourceId: string;
  sharingType: Subscription['sharingType'];
  purpose: string;
  legalBasis: string;
  requestedFields: string[];
  deliveryMode: DeliveryMode;
  webhookUrl: string | null;
  webhookMaxAttempts: number | null;
  expiresAt: string | null;
  queryDistinctPerHour?: number | null;
  /** Granted at once (unconditional resources): active with the requested fields. */
  granted: boolean;
  /** Conditional requests: the day the working days are counted from, and the deadline. */
  reply: { countedFrom: string; due: Deadline } | null;
}

export interface ListFilter {
  integratorId?: string | undefined;
  providerCode?: string | undefined;
  resourceId?: string | undefined;
  status?: SubscriptionStatus | undefined;
  /** Pending requests whose reply date is before this date (YYYY-MM-DD). */
  overdueOn?: string | undefined;
  /** Now, for `status`: an active subscription past its expiry counts as expired. */
  now: Date;
  limit: number;
  offset: number;
}

/** What delivery needs: the subscription and the resource's current items and topic. */
export interface DeliveryContext {
  subscription: Subscription;
  resource: Pick<Resource, 'items' | 'topic' | 'schemaSubject'> & { sharingType: Resource['sharing']['type'] };
}

/** `now` adds the current time as a parameter, only where the condition uses it (an unused one has no type). */
function statusCondition(status: SubscriptionStatus, now: () => string): string {
  if (status === 'active') return `s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > ${now()})`;
  if (status === 'expired') return `(s.status = 'expired' OR (s.status = 'active' AND s.expires_at <= ${now()}))`;
  return `s.status = '${status}'`;
}

/** Subscriptions in PostgreSQL (migrations 0007, 0011). State changes are conditional updates: the first decision wins. */
export function createSubscriptionStore(db: Db) {
  async function get(id: string, client: Queryable = db): Promise<Subscription | undefined> {
    return (await client.query<Subscription>(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.id = $1`, [id])).rows[0];
  }

  async function updated(client: Queryable, sql: string, values: unknown[]): Promise<Subscription | undefined> {
    const { rows } = await client.query<{ id: string }>(sql, values);
    return rows[0] ? get(rows[0].id, client) : undefined;
  }

  return {
    get,

    async create(input: NewSubscription, client: Queryable = db): Promise<Subscription> {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO subscriptions (integrator_id, resource_id, sharing_type, purpose, legal_basis, requested_fields, approved_fields, delivery_mode,
           webhook_url, webhook_max_attempts, status, reply_due, decided_at, expires_at, kafka_acl, reply_counted_from, reply_due_provisional_reason, query_distinct_per_hour)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $11 THEN $6::jsonb END, $7, $8, $9, CASE WHEN $11 THEN 'active' ELSE 'pending' END, $12,
           CASE WHEN $11 THEN now() END, $10, CASE WHEN $7 = 'kafka' THEN 'pending' END, $13, $14, $15)
         RETURNING id`,
        [input.integratorId, input.resourceId, input.sharingType, input.purpose, input.legalBasis, JSON.stringify(input.requestedFields), input.deliveryMode,
          input.webhookUrl, input.webhookMaxAttempts, input.expiresAt, input.granted, input.reply?.due.date ?? null,
          input.reply?.countedFrom ?? null, input.reply?.due.reason ?? null, input.queryDistinctPerHour ?? null],
      );
      return (await get((rows[0] as { id: string }).id, client)) as Subscription;
    },

    async list(filter: ListFilter): Promise<{ items: Subscription[]; total: number }> {
      const conditions: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      if (filter.integratorId !== undefined) conditions.push(`s.integrator_id = ${param(filter.integratorId)}`);
      if (filter.providerCode !== undefined) conditions.push(`r.provider_code = ${param(filter.providerCode)}`);
      if (filter.resourceId !== undefined) conditions.push(`s.resource_id = ${param(filter.resourceId)}`);
      if (filter.status !== undefined) conditions.push(statusCondition(filter.status, () => param(filter.now)));
      if (filter.overdueOn !== undefined) conditions.push(`s.status = 'pending' AND s.reply_due < ${param(filter.overdueOn)}::date`);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const [page, count] = await Promise.all([
        db.query<Subscription>(`SELECT ${COLUMNS} FROM ${FROM} ${where} ORDER BY s.created_at DESC, s.id LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`, values),
        db.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${FROM} ${where}`, values.slice(0, values.length - 2)),
      ]);
      return { items: page.rows, total: count.rows[0]?.total ?? 0 };
    },

    /** Approves (with the fields granted) or rejects a pending request; undefined when it is no longer pending. */
    async decide(id: string, decision: { approve: boolean; fields: string[] | null; by: string; reason: string | null; expiresAt?: string | undefined }, client: Queryable = db): Promise<Subscription | undefined> {
      return updated(
        client,
        `UPDATE subscriptions SET status = $2, approved_fields = $3, decided_by = $4, decided_at = now(), decision_reason = $5,
           expires_at = COALESCE($6, expires_at), updated_at = now()
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, decision.approve ? 'active' : 'rejected', decision.fields === null ? null : JSON.stringify(decision.fields), decision.by, decision.reason, decision.expiresAt ?? null],
      );
    },

    /** Revokes a pending or active subscription; undefined when it is already closed. */
    async revoke(id: string, by: string, reason: string | null, client: Queryable = db): Promise<Subscription | undefined> {
      return updated(
        client,
        `UPDATE subscriptions SET status = 'revoked', revoked_by = $2, revoked_at = now(), revoke_reason = $3, updated_at = now()
         WHERE id = $1 AND status IN ('pending', 'active') RETURNING id`,
        [id, by, reason],
      );
    },

    /** Pending requests with a reply date, for recounting it under the holiday notices known now. */
    async pendingReplies(): Promise<{ id: string; countedFrom: string; replyDue: string; provisionalReason: string | null }[]> {
      const { rows } = await db.query<{ id: string; countedFrom: string; replyDue: string; provisionalReason: string | null }>(
        `SELECT id, reply_counted_from::text AS "countedFrom", reply_due::text AS "replyDue", reply_due_provisional_reason AS "provisionalReason"
         FROM subscriptions WHERE status = 'pending' AND reply_due IS NOT NULL AND reply_counted_from IS NOT NULL ORDER BY created_at`,
      );
      return rows;
    },

    /** Moves a pending request's reply date if it is still `from`; false when another instance or a decision came first. */
    async moveReplyDue(id: string, from: { replyDue: string; provisionalReason: string | null }, to: Deadline, client: Queryable = db): Promise<boolean> {
      const { rowCount } = await client.query(
        `UPDATE subscriptions SET reply_due = $4, reply_due_provisional_reason = $5, updated_at = now()
         WHERE id = $1 AND status = 'pending' AND reply_due = $2::date AND reply_due_provisional_reason IS NOT DISTINCT FROM $3`,
        [id, from.replyDue, from.provisionalReason, to.date, to.reason],
      );
      return rowCount === 1;
    },

    /** Marks active subscriptions past their expiry as expired; returns those it changed. */
    async expireDue(now: Date): Promise<{ id: string; integratorId: string }[]> {
      const { rows } = await db.query<{ id: string; integratorId: string }>(
        `UPDATE subscriptions SET status = 'expired', updated_at = now() WHERE status = 'active' AND expires_at <= $1 RETURNING id, integrator_id AS "integratorId"`,
        [now],
      );
      return rows;
    },

    async deliveryContext(id: string): Promise<DeliveryContext | undefined> {
      const { rows } = await db.query<Subscription & { items: Resource['items']; topic: string | null; schemaSubject: string | null; resourceSharingType: Resource['sharing']['type'] }>(
        `SELECT ${COLUMNS}, r.items, r.topic, r.schema_subject AS "schemaSubject", r.sharing->>'type' AS "resourceSharingType" FROM ${FROM} WHERE s.id = $1`,
        [id],
      );
      const row = rows[0];
      if (!row) return undefined;
      const { items, topic, schemaSubject, resourceSharingType, ...subscription } = row;
      return { subscription, resource: { items, topic, schemaSubject, sharingType: resourceSharingType } };
    },

    /** Subscriptions the runtime delivers now: active kafka and webhook ones, not parked, of shared resources with a topic. */
    async listDeliverable(now: Date): Promise<{ id: string; deliveryMode: DeliveryMode; topic: string }[]> {
      const { rows } = await db.query<{ id: string; deliveryMode: DeliveryMode; topic: string }>(
        `SELECT s.id, s.delivery_mode AS "deliveryMode", r.topic FROM subscriptions s JOIN catalog_resources r ON r.id = s.resource_id
         WHERE s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > $1) AND s.delivery_mode IN ('kafka', 'webhook')
           AND r.topic IS NOT NULL AND r.sharing->>'type' <> 'not-shared'
           AND NOT EXISTS (SELECT 1 FROM subscription_parked k WHERE k.subscription_id = s.id)
         ORDER BY s.created_at`,
        [now],
      );
      return rows;
    },

    async recordDelivery(id: string, records: number, client: Queryable = db): Promise<void> {
      await client.query('UPDATE subscriptions SET delivered = delivered + $2, last_delivered_at = now() WHERE id = $1', [id, records]);
    },

    async park(id: string, batch: Omit<ParkedBatch, 'parkedAt'>): Promise<void> {
      await db.query(
        `INSERT INTO subscription_parked (subscription_id, partition, from_offset, to_offset, records, attempts, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (subscription_id) DO UPDATE SET partition = $2, from_offset = $3, to_offset = $4, records = $5, attempts = $6, last_error = $7, parked_at = now()`,
        [id, batch.partition, batch.fromOffset, batch.toOffset, batch.records, batch.attempts, batch.lastError],
      );
    },

    /** Clears the parked batch; returns it, or undefined when none was parked. */
    async unpark(id: string): Promise<{ partition: number; fromOffset: string; toOffset: string; records: number } | undefined> {
      const { rows } = await db.query<{ partition: number; fromOffset: string; toOffset: string; records: number }>(
        `DELETE FROM subscription_parked WHERE subscription_id = $1 RETURNING partition, from_offset::text AS "fromOffset", to_offset::text AS "toOffset", records`,
        [id],
      );
      return rows[0];
    },

    async setKafkaAcl(id: string, state: string): Promise<void> {
      await db.query('UPDATE subscriptions SET kafka_acl = $2 WHERE id = $1', [id, state]);
    },

    /** Closed kafka subscriptions whose ACLs are still in place. */
    async aclsToRemove(now: Date): Promise<{ id: string; integratorId: string }[]> {
      const { rows } = await db.query<{ id: string; integratorId: string }>(
        `SELECT id, integrator_id AS "integratorId" FROM subscriptions
         WHERE delivery_mode = 'kafka' AND kafka_acl = 'applied' AND (status IN ('revoked', 'expired') OR (status = 'active' AND expires_at <= $1))`,
        [now],
      );
      return rows;
    },

    /** Of `ids`, the kafka subscriptions revoked or expired at `cutoff` or before (their topics may be deleted). */
    async closedBefore(ids: string[], cutoff: Date): Promise<string[]> {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM subscriptions
         WHERE id = ANY($1::uuid[]) AND delivery_mode = 'kafka'
           AND ((status = 'revoked' AND revoked_at <= $2) OR (status IN ('active', 'expired') AND expires_at <= $2))`,
        [ids, cutoff],
      );
      return rows.map((row) => row.id);
    },

    /** A resource's subscriptions for lineage, newest first; optionally one integrator's only. */
    async forResource(resourceId: string, integratorId?: string): Promise<Subscription[]> {
      const { rows } = await db.query<Subscription>(
        `SELECT ${COLUMNS} FROM ${FROM} WHERE s.resource_id = $1 AND ($2::uuid IS NULL OR s.integrator_id = $2) ORDER BY s.created_at DESC`,
        [resourceId, integratorId ?? null],
      );
      return rows;
    },
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
