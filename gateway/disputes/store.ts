import type { ResourceDisputeCounts } from '../../catalog/export/xlsx.ts';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { Deadline } from '../subscriptions/working-days.ts';
import type { Dispute, DisputeStatus } from './model.ts';

/** The pool, or a client inside an open transaction. */
type Queryable = Pick<Db, 'query'>;

const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COLUMNS = `d.id, d.resource_id AS "resourceId", r.code AS "resourceCode", r.name AS "resourceName", d.provider_code AS "providerCode",
  d.subscription_id AS "subscriptionId", d.raised_by AS "raisedBy", p.name AS "raisedByName", p.kind AS "raisedByKind",
  d.business_key AS "businessKey", d.fields, d.problem, d.evidence,
  CASE WHEN d.attachment IS NULL THEN NULL ELSE json_build_object('name', d.attachment_name, 'contentType', d.attachment_type, 'bytes', d.attachment_bytes) END AS attachment,
  d.status, d.answer_counted_from::text AS "answerCountedFrom", d.answer_due::text AS "answerDue",
  d.answer_due_provisional_reason AS "answerDueProvisionalReason", ${ts('d.answered_at')} AS "answeredAt", d.answered_by AS "answeredBy",
  d.answer_reason AS "answerReason",
  CASE WHEN d.corrected_at IS NULL THEN NULL ELSE json_build_object('topic', d.corrected_topic, 'partition', d.corrected_partition,
    'offset', d.corrected_offset::text, 'at', ${ts('d.corrected_at')}) END AS correction,
  d.correction_from AS "correctionFrom", ${ts('d.overdue_notified_at')} AS "overdueNotifiedAt",
  ${ts('d.created_at')} AS "createdAt", ${ts('d.updated_at')} AS "updatedAt"`;
const FROM = 'disputes d JOIN catalog_resources r ON r.id = d.resource_id JOIN principals p ON p.id = d.raised_by';

/** Sealing contexts: a sealed value opens only in the field and dispute it was written for. */
const sealedFor = (id: string, field: 'business-key' | 'evidence' | 'attachment') => `dispute:${id}:${field}`;

export interface NewDispute {
  id: string;
  resourceId: string;
  providerCode: string;
  subscriptionId: string | null;
  raisedBy: string;
  businessKey: string;
  businessKeyDigest: string;
  fields: string[];
  problem: string;
  evidence: string;
  attachment: { name: string; contentType: string; data: Buffer } | null;
  answer: { countedFrom: string; workingDays: number; due: Deadline };
  /** Now by the gateway's clock (the one deadlines are judged by). */
  at: Date;
}

export interface DisputeFilter {
  raisedBy?: string | undefined;
  providerCode?: string | undefined;
  resourceId?: string | undefined;
  status?: DisputeStatus | undefined;
  /** Open disputes whose answer date is before this date (YYYY-MM-DD). */
  overdueOn?: string | undefined;
  limit: number;
  offset: number;
}

/** Per resource: what is open, overdue and how fast its provider answered (calendar days, answered disputes). */
export type DisputeSummary = ResourceDisputeCounts;

export const EMPTY_SUMMARY: DisputeSummary = Object.freeze({ open: 0, overdue: 0, confirmed: 0, rejected: 0, answeredLate: 0, averageAnswerDays: null });

/** Disputes in PostgreSQL (migration 0013). Answers are conditional updates: the first answer wins. */
export function createDisputeStore(db: Db, box: SecretBox) {
  function opened(row: Dispute): Dispute {
    return { ...row, businessKey: box.open(row.businessKey, sealedFor(row.id, 'business-key')), evidence: box.open(row.evidence, sealedFor(row.id, 'evidence')) };
  }

  async function get(id: string, client: Queryable = db): Promise<Dispute | undefined> {
    const row = (await client.query<Dispute>(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = $1`, [id])).rows[0];
    return row && opened(row);
  }

  return {
    get,

    async create(input: NewDispute, client: Queryable): Promise<Dispute> {
      const { attachment } = input;
      await client.query(
        `INSERT INTO disputes (id, resource_id, provider_code, subscription_id, raised_by, business_key, business_key_digest, fields, problem, evidence,
           attachment_name, attachment_type, attachment_bytes, attachment, answer_counted_from, answer_due, answer_due_provisional_reason, created_at, updated_at, answer_working_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)`,
        [input.id, input.resourceId, input.providerCode, input.subscriptionId, input.raisedBy, box.seal(input.businessKey, sealedFor(input.id, 'business-key')),
          input.businessKeyDigest, JSON.stringify(input.fields), input.problem, box.seal(input.evidence, sealedFor(input.id, 'evidence')),
          attachment?.name ?? null, attachment?.contentType ?? null, attachment?.data.length ?? null,
          attachment ? box.seal(attachment.data.toString('base64'), sealedFor(input.id, 'attachment')) : null,
          input.answer.countedFrom, input.answer.due.date, input.answer.due.reason, input.at, input.answer.workingDays],
      );
      return (await get(input.id, client)) as Dispute;
    },

    async list(filter: DisputeFilter): Promise<{ items: Dispute[]; total: number }> {
      const conditions: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      if (filter.raisedBy !== undefined) conditions.push(`d.raised_by = ${param(filter.raisedBy)}`);
      if (filter.providerCode !== undefined) conditions.push(`d.provider_code = ${param(filter.providerCode)}`);
      if (filter.resourceId !== undefined) conditions.push(`d.resource_id = ${param(filter.resourceId)}`);
      if (filter.status !== undefined) conditions.push(`d.status = ${param(filter.status)}`);
      if (filter.overdueOn !== undefined) conditions.push(`d.status = 'open' AND d.answer_due < ${param(filter.overdueOn)}::date`);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const [page, count] = await Promise.all([
        db.query<Dispute>(`SELECT ${COLUMNS} FROM ${FROM} ${where} ORDER BY d.created_at DESC, d.id LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`, values),
        db.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${FROM} ${where}`, values.slice(0, values.length - 2)),
      ]);
      return { items: page.rows.map(opened), total: count.rows[0]?.total ?? 0 };
    },

    async attachment(dispute: Pick<Dispute, 'id'>): Promise<Buffer | undefined> {
      const { rows } = await db.query<{ attachment: string | null }>('SELECT attachment FROM disputes WHERE id = $1', [dispute.id]);
      const sealed = rows[0]?.attachment;
      return sealed ? Buffer.from(box.open(sealed, sealedFor(dispute.id, 'attachment')), 'base64') : undefined;
    },

    /** Confirms or rejects an open dispute; undefined when it was answered meanwhile. */
    async answer(id: string, answer: { status: 'confirmed' | 'rejected'; by: string; reason: string | null; correctionFrom: Record<string, string> | null; at: Date }, client: Queryable): Promise<Dispute | undefined> {
      const { rows } = await client.query<{ id: string }>(
        `UPDATE disputes SET status = $2, answered_by = $3, answered_at = $6, answer_reason = $4, correction_from = $5, updated_at = now()
         WHERE id = $1 AND status = 'open' RETURNING id`,
        [id, answer.status, answer.by, answer.reason, answer.correctionFrom === null ? null : JSON.stringify(answer.correctionFrom), answer.at],
      );
      return rows[0] ? get(id, client) : undefined;
    },

    /** Confirmed disputes whose corrected record has not been seen yet, with the topic of their resource. */
    async awaitingCorrection(): Promise<{ id: string; topic: string; digest: string; from: Record<string, string> }[]> {
      const { rows } = await db.query<{ id: string; topic: string; digest: string; from: Record<string, string> }>(
        `SELECT d.id, r.topic, d.business_key_digest AS digest, d.correction_from AS "from" FROM disputes d JOIN catalog_resources r ON r.id = d.resource_id
         WHERE d.status = 'confirmed' AND d.corrected_at IS NULL AND d.correction_from IS NOT NULL AND r.topic IS NOT NULL ORDER BY d.answered_at`,
      );
      return rows;
    },

    /** Links the corrected record; false when another instance linked one first. */
    async linkCorrection(id: string, record: { topic: string; partition: number; offset: string }, client: Queryable): Promise<boolean> {
      const { rowCount } = await client.query(
        `UPDATE disputes SET corrected_topic = $2, corrected_partition = $3, corrected_offset = $4, corrected_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'confirmed' AND corrected_at IS NULL`,
        [id, record.topic, record.partition, record.offset],
      );
      return rowCount === 1;
    },

    async advanceCorrectionFrom(id: string, positions: Record<string, string>): Promise<void> {
      await db.query("UPDATE disputes SET correction_from = $2 WHERE id = $1 AND status = 'confirmed' AND corrected_at IS NULL", [id, JSON.stringify(positions)]);
    },

    /** Open disputes, for recounting their answer date under the holiday notices known now. */
    async openAnswers(): Promise<{ id: string; countedFrom: string; workingDays: number; answerDue: string; provisionalReason: string | null }[]> {
      const { rows } = await db.query<{ id: string; countedFrom: string; workingDays: number; answerDue: string; provisionalReason: string | null }>(
        `SELECT id, answer_counted_from::text AS "countedFrom", answer_working_days AS "workingDays", answer_due::text AS "answerDue",
           answer_due_provisional_reason AS "provisionalReason" FROM disputes WHERE status = 'open' ORDER BY created_at`,
      );
      return rows;
    },

    /** Moves an open dispute's answer date if it is still `from`; false when another instance or an answer came first. */
    async moveAnswerDue(id: string, from: { answerDue: string; provisionalReason: string | null }, to: Deadline, client: Queryable): Promise<boolean> {
      const { rowCount } = await client.query(
        `UPDATE disputes SET answer_due = $4, answer_due_provisional_reason = $5, overdue_notified_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'open' AND answer_due = $2::date AND answer_due_provisional_reason IS NOT DISTINCT FROM $3`,
        [id, from.answerDue, from.provisionalReason, to.date, to.reason],
      );
      return rowCount === 1;
    },

    /** Marks open disputes past their answer date as notified, once; returns those it marked. */
    async markOverdue(today: string, client: Queryable): Promise<{ id: string; resourceId: string; providerCode: string; answerDue: string }[]> {
      const { rows } = await client.query<{ id: string; resourceId: string; providerCode: string; answerDue: string }>(
        `UPDATE disputes SET overdue_notified_at = now() WHERE status = 'open' AND answer_due < $1::date AND overdue_notified_at IS NULL
         RETURNING id, resource_id AS "resourceId", provider_code AS "providerCode", answer_due::text AS "answerDue"`,
        [today],
      );
      return rows;
    },

    async countOverdue(today: string): Promise<number> {
      const { rows } = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM disputes WHERE status = 'open' AND answer_due < $1::date", [today]);
      return rows[0]?.count ?? 0;
    },

    /** Summaries of the given resources (all with disputes when `resourceIds` is absent). */
    async summaries(today: string, resourceIds?: readonly string[]): Promise<Map<string, DisputeSummary>> {
      const { rows } = await db.query<DisputeSummary & { resourceId: string }>(
        `SELECT resource_id AS "resourceId",
           count(*) FILTER (WHERE status = 'open')::int AS open,
           count(*) FILTER (WHERE status = 'open' AND answer_due < $1::date)::int AS overdue,
           count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed,
           count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
           count(*) FILTER (WHERE answered_at IS NOT NULL AND (answered_at AT TIME ZONE 'Asia/Shanghai')::date > answer_due)::int AS "answeredLate",
           round((avg(extract(epoch FROM answered_at - created_at)) / 86400)::numeric, 1)::float8 AS "averageAnswerDays"
         FROM disputes WHERE ($2::uuid[] IS NULL OR resource_id = ANY($2::uuid[])) GROUP BY resource_id`,
        [today, resourceIds ?? null],
      );
      return new Map(rows.map(({ resourceId, ...summary }) => [resourceId, summary]));
    },

    /** When any dispute last changed: exports that show dispute counts are rebuilt after it. */
    async revision(): Promise<string> {
      const { rows } = await db.query<{ revision: string | null }>('SELECT max(updated_at)::text AS revision FROM disputes');
      return rows[0]?.revision ?? '';
    },
  };
}

export type DisputeStore = ReturnType<typeof createDisputeStore>;
