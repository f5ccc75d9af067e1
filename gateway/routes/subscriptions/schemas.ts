import { Type } from '@sinclair/typebox';
import { DELIVERY_MODES, SUBSCRIPTION_STATUSES } from '../../subscriptions/model.ts';
import { StringEnum } from '../../string-enum.ts';
import { Pagination, Uuid } from '../schemas.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Fields = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 1000, uniqueItems: true, description });

/** Largest page of GET .../records. */
export const RECORDS_PAGE_MAX = 1000;

export const SubscriptionParams = Type.Object({ id: Uuid });

const QueryLimits = Type.Object(
  { distinctPerHour: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'query only: distinct entities the subscription may look up an hour; more get 429 (default DX_REGISTER_LOOKUPS_PER_HOUR)' }) },
  { additionalProperties: false },
);

/** How records are to be delivered: the same for a local subscription and a cross-gateway request. */
export const DeliveryRequest = Type.Object(
  {
    mode: StringEnum(DELIVERY_MODES, { description: 'kafka: a topic of the subscription; http: pull pages or an event stream; webhook: the gateway posts batches to url' }),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000, description: 'webhook only: http(s) URL on the allow-list (DX_ALLOWED_HOSTS)' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'webhook only: attempts per batch before it is parked (default DX_WEBHOOK_MAX_ATTEMPTS)' })),
  },
  { additionalProperties: false },
);

export const CreateSubscriptionBody = Type.Object(
  {
    resourceId: Type.String({ format: 'uuid', description: 'The catalogue resource requested' }),
    purpose: Type.String({ minLength: 1, maxLength: 2000, description: 'What the data is for (使用用途); it may be used for nothing else' }),
    legalBasis: Type.String({ minLength: 1, maxLength: 2000, description: 'The legal basis of the request (依据)' }),
    fields: Fields('Canonical field names of the items needed (minimum necessary scope); each must be a shareable item of the resource'),
    delivery: DeliveryRequest,
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When access ends; delivery stops then' })),
    queryLimits: Type.Optional(QueryLimits),
  },
  { additionalProperties: false },
);

export const ApproveBody = Type.Object(
  {
    fields: Type.Optional(Fields('The fields granted, a subset of those requested; default all of them')),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Conditions of the approval, shown to the integrator' })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When access ends; default the one requested' })),
  },
  { additionalProperties: false },
);

export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why the request is refused (required by the sharing rules)' }) }, { additionalProperties: false });

export const RevokeBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const ListQuery = Type.Composite(
  [
    Pagination,
    Type.Object({
      status: Type.Optional(StringEnum(SUBSCRIPTION_STATUSES)),
      resourceId: Type.Optional(Uuid),
      overdue: Type.Optional(Type.Boolean({ description: 'true: pending requests past their reply date' })),
    }),
  ],
  { additionalProperties: false },
);

export const RecordsQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 10_000, description: 'The dx-next-cursor of the previous page; absent: from the first record' })),
    limit: Type.Integer({ minimum: 1, maximum: RECORDS_PAGE_MAX, default: 100, description: `Records per page (at most ${RECORDS_PAGE_MAX})` }),
  },
  { additionalProperties: false },
);

export const StreamQuery = Type.Object(
  { cursor: Type.Optional(Type.String({ maxLength: 10_000, description: 'Where to start; the Last-Event-ID header does the same on reconnection' })) },
  { additionalProperties: false },
);

const ParkedBody = Type.Object({
  partition: Type.Integer(),
  fromOffset: Type.String(),
  toOffset: Type.String(),
  records: Type.Integer(),
  attempts: Type.Integer(),
  lastError: Type.String(),
  parkedAt: Timestamp,
});

/** Where delivery stands: the same for a local subscription and a cross-gateway request. */
export const DeliveryState = Type.Object({
  mode: StringEnum(DELIVERY_MODES),
  url: Nullable(Type.String({ description: 'webhook' })),
  maxAttempts: Nullable(Type.Integer({ description: 'webhook' })),
  topic: Nullable(Type.String({ description: 'kafka: the topic to consume' })),
  consumerGroupPrefix: Nullable(Type.String({ description: 'kafka: consumer groups of the integrator must start with this' })),
  kafkaPrincipal: Nullable(Type.String({ description: 'kafka: the principal the ACLs name, where the cluster has an authorizer' })),
  acl: Nullable(Type.String({ description: 'kafka: pending, applied, failed, removed, no-authorizer (the cluster has none and DX_ALLOW_UNSECURED_KAFKA is set: every client may read) or refused (no authorizer: nothing is delivered)' })),
  records: Type.Integer({ description: 'Records delivered so far' }),
  lastDeliveredAt: Nullable(Timestamp),
  parked: Nullable(ParkedBody),
});

export const SubscriptionBody = Type.Object({
  id: Uuid,
  resource: Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), providerCode: Type.String() }),
  integrator: Type.Object({ id: Uuid, name: Type.String() }),
  sharingType: StringEnum(['unconditional', 'conditional'] as const),
  purpose: Type.String(),
  legalBasis: Type.String(),
  requestedFields: Type.Array(Type.String()),
  approvedFields: Nullable(Type.Array(Type.String())),
  status: StringEnum(SUBSCRIPTION_STATUSES),
  replyDue: Nullable(Type.String({ format: 'date', description: 'Conditional requests: the last working day the provider may answer (10 working days, Asia/Shanghai)' })),
  replyDueProvisional: Type.Boolean({ description: "The reply date counted days of a year whose State Council holiday notice is not known yet: it may move when the notice is added" }),
  replyDueReason: Nullable(Type.String({ description: 'Why the reply date is provisional; null when it is final' })),
  overdue: Type.Boolean({ description: 'Still pending after its reply date' }),
  decision: Nullable(Type.Object({ at: Timestamp, by: Nullable(Type.String({ description: 'Null: granted on request (unconditional)' })), reason: Nullable(Type.String()) })),
  expiresAt: Nullable(Timestamp),
  revocation: Nullable(Type.Object({ at: Timestamp, by: Type.String(), reason: Nullable(Type.String()) })),
  delivery: DeliveryState,
  queryLimits: Nullable(QueryLimits),
  webhookSecret: Type.Optional(Type.String({ description: 'webhook: the signing secret, in the creation answer only' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const SubscriptionPage = Type.Object({ items: Type.Array(SubscriptionBody), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
