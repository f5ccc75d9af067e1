import { Type, type Static } from '@sinclair/typebox';
import { CANONICAL_SCHEMAS } from '../../../schemas/canonical.ts';
import { MAPPING_SPEC } from '../../pipeline/mapping/spec.ts';
import { StringEnum } from '../../string-enum.ts';
import { Uuid } from '../schemas.ts';

const SCHEMA_NAMES = CANONICAL_SCHEMAS.map((schema) => schema.name);
const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ConnectorOptionsBody = Type.Object(
  {
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Records per batch (default 1000)' })),
    exactlyOnce: Type.Optional(
      Type.Boolean({ description: 'Pull connectors: write each batch and its source offsets in one Kafka transaction, so read_committed consumers see each source record once' }),
    ),
  },
  { additionalProperties: false },
);

const writable = {
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Unique within the department' }),
  schedule: Type.Optional(Type.String({ minLength: 1, description: 'Cron expression for pull connectors (5 fields, or 6 with seconds), e.g. "*/5 * * * *"' })),
  config: Type.Record(Type.String(), Type.Unknown(), { description: "The type's config; see GET /api/v1/connector-types" }),
  mapping: MAPPING_SPEC,
  options: Type.Optional(ConnectorOptionsBody),
};

export const CreateConnectorBody = Type.Object(
  {
    ...writable,
    type: Type.String({ description: 'A connector type, e.g. sql-pull' }),
    schema: StringEnum(SCHEMA_NAMES, { description: 'Canonical schema the records are mapped to' }),
    departmentCode: Type.Optional(Type.String({ description: "Owning department; the data office must give it, a department's own is used otherwise" })),
    topic: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,200}$', description: 'Target topic (default dx.<schema>); the dead-letter topic is <topic>.dlq' })),
  },
  { additionalProperties: false },
);
export type CreateConnector = Static<typeof CreateConnectorBody>;

export const UpdateConnectorBody = Type.Object(writable, { additionalProperties: false });
export type UpdateConnector = Static<typeof UpdateConnectorBody>;

export const ConnectorProblems = Type.Array(
  Type.Object({ code: Type.String(), path: Type.String(), message: Type.String() }),
  { description: 'What is wrong with the connector that a run cannot fix, e.g. a topic its department may not publish onto (一数一源); empty when nothing is' },
);

export const ConnectorBody = Type.Object({
  id: Uuid,
  name: Type.String(),
  departmentCode: Type.String(),
  type: Type.String(),
  kind: StringEnum(['pull', 'push'] as const),
  schemaName: Type.String(),
  topic: Type.String(),
  deadLetterTopic: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'Secrets are shown as ********; send that back to keep them' }),
  mapping: Type.Unknown(),
  schedule: Nullable(Type.String()),
  options: ConnectorOptionsBody,
  state: StringEnum(['active', 'paused'] as const),
  problems: ConnectorProblems,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const RunBody = Type.Object({
  id: Type.Integer(),
  trigger: Type.String(),
  instance: Type.String(),
  status: Type.String(),
  startedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  read: Type.Integer(),
  published: Type.Integer(),
  rejected: Type.Integer(),
  attempts: Type.Integer(),
  error: Nullable(Type.String()),
});

export const StatusBody = Type.Object({
  state: StringEnum(['active', 'paused'] as const),
  problems: ConnectorProblems,
  running: Type.Boolean({ description: 'A run is going on now (on any instance)' }),
  lastRun: Nullable(RunBody),
  recentRuns: Type.Array(RunBody),
  totals: Type.Object({
    read: Type.Integer(),
    published: Type.Integer(),
    rejected: Type.Integer(),
    warned: Type.Integer({ description: 'Published records with data-quality warnings (soft rules; GET .../warnings lists them)' }),
    lastPublishedAt: Nullable(Timestamp),
    lastError: Nullable(Type.String()),
    lastErrorAt: Nullable(Timestamp),
  }),
  offsets: Type.Record(Type.String(), Type.Unknown(), { description: 'Committed position per source partition' }),
});

const Issue = Type.Object({ path: Type.String(), rule: Type.String(), message: Type.String() });

export const TestBody = Type.Object({
  check: Type.Object({ ok: Type.Boolean(), message: Type.String() }),
  records: Type.Array(
    Type.Object({ partition: Type.String(), offset: Type.Unknown(), source: Type.Record(Type.String(), Type.Unknown()), value: Type.Optional(Type.Record(Type.String(), Type.Unknown())), errors: Type.Array(Issue) }),
  ),
});

export const RejectedBody = Type.Object({
  id: Type.Integer(),
  runId: Nullable(Type.Integer()),
  partition: Type.String(),
  offset: Type.Unknown(),
  source: Type.Record(Type.String(), Type.Unknown()),
  errors: Type.Array(Issue),
  status: Type.String(),
  createdAt: Timestamp,
});

export const ConnectorParams = Type.Object({ id: Uuid });
