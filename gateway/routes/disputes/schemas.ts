import { Type } from '@sinclair/typebox';
import { DISPUTE_STATUSES } from '../../disputes/model.ts';
import { StringEnum } from '../../string-enum.ts';
import { Pagination, Uuid } from '../schemas.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** The largest attachment the schema lets through (5 MiB as base64); DX_DISPUTE_ATTACHMENT_MAX_BYTES is checked after decoding. */
const MAX_ATTACHMENT_BASE64 = Math.ceil((5 * 1024 * 1024) / 3) * 4;

export const DisputeParams = Type.Object({ id: Uuid });

export const RaiseBody = Type.Object(
  {
    resourceId: Type.String({ format: 'uuid', description: 'The catalogue resource whose record is disputed' }),
    subscriptionId: Type.Optional(Type.String({ format: 'uuid', description: "Integrators: the active subscription the record came through; default the integrator's active subscription to the resource" })),
    businessKey: Type.String({ minLength: 1, maxLength: 100, description: "The record's business key (ID number, credit code, licence number), as on the resource topic" }),
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Canonical fields believed wrong; for integrators, fields granted to the subscription' }),
    problem: Type.String({ minLength: 1, maxLength: 2000, description: 'What is believed wrong' }),
    evidence: Type.String({ minLength: 1, maxLength: 10_000, description: 'The evidence (text): where the correct value comes from' }),
    attachment: Type.Optional(Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        contentType: Type.String({ pattern: '^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$', maxLength: 100 }),
        data: Type.String({ minLength: 1, maxLength: MAX_ATTACHMENT_BASE64, pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'The file, base64; at most DX_DISPUTE_ATTACHMENT_MAX_BYTES decoded' }),
      },
      { additionalProperties: false, description: 'An optional file of evidence, stored sealed in PostgreSQL' },
    )),
  },
  { additionalProperties: false },
);

export const ConfirmBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000, description: 'What was corrected at the source' })) }, { additionalProperties: false });
export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why the record is right as it is (required)' }) }, { additionalProperties: false });

export const DisputeListQuery = Type.Composite(
  [
    Pagination,
    Type.Object({
      status: Type.Optional(StringEnum(DISPUTE_STATUSES)),
      resourceId: Type.Optional(Uuid),
      overdue: Type.Optional(Type.Boolean({ description: 'true: open disputes past their answer date' })),
    }),
  ],
  { additionalProperties: false },
);

export const DisputeBody = Type.Object({
  id: Uuid,
  resource: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), providerCode: Type.String({ description: 'The department that answers' }) }),
  raisedBy: Type.Object({ id: Uuid, name: Type.String(), kind: Type.String() }),
  subscriptionId: Nullable(Uuid),
  businessKey: Type.String(),
  fields: Type.Array(Type.String()),
  problem: Type.String(),
  evidence: Type.String(),
  attachment: Nullable(Type.Object({ name: Type.String(), contentType: Type.String(), bytes: Type.Integer() })),
  status: StringEnum(DISPUTE_STATUSES),
  answerDue: Type.String({ format: 'date', description: 'The last working day the provider may answer (DX_DISPUTE_ANSWER_WORKING_DAYS, Asia/Shanghai)' }),
  answerDueProvisional: Type.Boolean({ description: "The date counted days of a year whose State Council holiday notice is not known: it may move" }),
  answerDueReason: Nullable(Type.String({ description: 'Why the answer date is provisional; null when final' })),
  overdue: Type.Boolean({ description: 'Still open after its answer date' }),
  answer: Nullable(Type.Object({ at: Timestamp, by: Uuid, reason: Nullable(Type.String()), late: Type.Boolean() })),
  correction: Nullable(Type.Object({ topic: Type.String(), partition: Type.Integer(), offset: Type.String(), at: Timestamp }, { description: "Confirmed: the record's new version found on the resource topic" })),
  awaitingCorrection: Type.Boolean({ description: 'Confirmed, and no new version of the record has arrived yet' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const DisputePage = Type.Object({ items: Type.Array(DisputeBody), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const DisputeSummaryBody = Type.Object({
  open: Type.Integer(),
  overdue: Type.Integer(),
  confirmed: Type.Integer(),
  rejected: Type.Integer(),
  answeredLate: Type.Integer({ description: 'Answered after their answer date' }),
  averageAnswerDays: Nullable(Type.Number({ description: 'Average days from raising to answer (calendar days, one decimal); null before any answer' })),
});

export const NoticePage = Type.Object({
  items: Type.Array(Type.Object({
    disputeId: Uuid,
    key: Nullable(Type.String({ description: 'The record key as this subscription receives it (masked as its field is)' })),
    fields: Type.Array(Type.String()),
    confirmedAt: Timestamp,
    note: Nullable(Type.String({ description: "The provider's note on the correction" })),
    correction: Nullable(Type.Object({ partition: Type.Integer(), offset: Type.String(), at: Timestamp }, { description: "The corrected record's position on the resource topic (the cursor of HTTP delivery counts the same offsets)" })),
  })),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
