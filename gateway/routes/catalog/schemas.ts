import { Type, type Static } from '@sinclair/typebox';
import { ResourceBody, ResourceDocumentBody } from '../../../catalog/model.ts';
import { FACETS, SORT_KEYS } from '../../../catalog/search-index.ts';
import { BUCKETS } from '../../../catalog/statistics.ts';
import { CATALOGUE_KINDS, FRESHNESS_STATES, RESOURCE_FORMATS, SHARING_TYPES, UPDATE_CYCLES } from '../../../catalog/vocabulary.ts';
import { StringEnum } from '../../string-enum.ts';
import { Uuid } from '../schemas.ts';
import { DisputeSummaryBody } from '../disputes/schemas.ts';
import { HarvestedBody } from '../federation/harvested.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const anyOf = <T extends readonly string[]>(values: T, description: string) => Type.Optional(Type.Array(StringEnum(values), { description }));

/** Filters shared by the search and the exports. Each facet may repeat (?kind=base&kind=theme): any of the values. */
export const filterProperties = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find in names, summaries, keywords, item names and codes; all must occur (Chinese needs no spaces)' })),
  provider: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { description: 'Provider department codes' })),
  kind: anyOf(CATALOGUE_KINDS, 'Catalogue kinds'),
  sharingType: anyOf(SHARING_TYPES, 'Sharing types'),
  updateCycle: anyOf(UPDATE_CYCLES, 'Update cycles'),
  format: anyOf(RESOURCE_FORMATS, 'Resource formats'),
  freshness: anyOf(FRESHNESS_STATES, 'Freshness states, as of now'),
};
export const FilterQuery = Type.Object(filterProperties, { additionalProperties: false });
export type Filters = Static<typeof FilterQuery>;

export const SearchQuery = Type.Composite(
  [
    Type.Object(filterProperties),
    Type.Object({
      origin: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50, pattern: '^(local|[0-9A-Za-z-]+)$' }), { description: 'Origin platforms (来源平台): local for this gateway, or the instance id of a peer whose harvested resources to list' })),
      limit: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Page size (at most 200)' }),
      offset: Type.Integer({ minimum: 0, default: 0, description: 'Resources to skip' }),
    }),
    Type.Object({
      sort: Type.Optional(StringEnum(SORT_KEYS, { description: 'relevance (default with q), name (default without), publishDate, updated, or freshness (on time, late, stale)' })),
      order: Type.Optional(StringEnum(['asc', 'desc'] as const, { description: 'Default: desc for relevance, publishDate, updated and freshness (stalest first); asc for name' })),
    }),
  ],
  { additionalProperties: false },
);

const FreshnessSummary = Type.Object({ state: StringEnum(FRESHNESS_STATES), lastRecordAt: Nullable(Timestamp) });

/** Where a harvested resource comes from: null for this gateway's own. */
export const OriginBody = Type.Object(
  { instanceId: Type.String(), name: Type.String({ description: 'The origin platform (来源平台)' }), peerId: Uuid, originalUrl: Type.String({ description: "The dataset's IRI at its origin gateway" }) },
  { description: 'The peer gateway a harvested resource comes from; null for a resource of this gateway' },
);

export const ResourceSummaryBody = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  kind: Nullable(Type.String({ description: 'Null for a harvested resource, as are format, sharingType, updateCycle, publishDate and freshness' })),
  providerCode: Type.String({ description: "A harvested resource: the origin's instance id" }),
  providerName: Type.String(),
  summary: Type.String(),
  keywords: Type.Array(Type.String()),
  format: Nullable(Type.String()),
  sharingType: Nullable(Type.String()),
  updateCycle: Nullable(Type.String()),
  publishDate: Nullable(Type.String({ format: 'date' })),
  updatedAt: Timestamp,
  topic: Nullable(Type.String()),
  itemCount: Type.Integer(),
  freshness: Nullable(FreshnessSummary),
  origin: Nullable(OriginBody),
  readOnly: Type.Boolean({ description: 'True for a harvested resource: its owner changes it at its origin gateway' }),
});

const Bucket = Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() });

export const SearchBody = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  sort: StringEnum(SORT_KEYS),
  order: StringEnum(['asc', 'desc'] as const),
  items: Type.Array(ResourceSummaryBody),
  facets: Type.Object(Object.fromEntries([...FACETS, 'origin'].map((facet) => [facet, Type.Array(Bucket)])) as Record<(typeof FACETS)[number] | 'origin', ReturnType<typeof Type.Array<typeof Bucket>>>, {
    description: 'Counts over the whole filtered result, most frequent first; origin (来源平台): local and each peer',
  }),
});

export const ResourceDetailBody = Type.Composite([
  ResourceBody,
  Type.Object({
    connectors: Type.Array(Type.Object({ id: Uuid, name: Type.String(), departmentCode: Type.String(), type: Type.String(), state: Type.String() }), {
      description: "Connectors publishing on the resource's topic",
    }),
    origin: Type.Null({ description: "Null: this gateway's own resource" }),
    readOnly: Type.Literal(false),
  }),
]);

/** A harvested resource, read-only here: an integrator requests it through the federation request route. */
export const HarvestedDetailBody = Type.Composite([
  HarvestedBody,
  Type.Object({
    request: Type.Object(
      { method: Type.Literal('POST'), href: Type.Literal('/api/v1/federation/requests'), harvestedId: Uuid },
      { description: 'Where an integrator requests it: forwarded to the origin gateway, whose provider decides' },
    ),
  }),
]);

export const HistoryBody = Type.Object({
  items: Type.Array(
    Type.Object({
      version: Type.Integer(),
      change: StringEnum(['created', 'updated'] as const),
      changedFields: Type.Array(Type.String()),
      changedAt: Timestamp,
      principal: Type.Union([Type.Object({ id: Uuid, kind: Type.String(), name: Type.String() }), Type.Null()], { description: 'Null: the gateway itself' }),
      document: ResourceDocumentBody,
    }),
  ),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const FreshnessBody = Type.Object({
  state: StringEnum(FRESHNESS_STATES),
  cycle: StringEnum(UPDATE_CYCLES),
  basis: StringEnum(['last-record', 'catalogued'] as const),
  since: Timestamp,
  lateAt: Nullable(Timestamp),
  staleAt: Nullable(Timestamp),
  rule: Type.String(),
});

export const StatisticsBody = Type.Object({
  connectors: Type.Integer(),
  read: Type.Integer(),
  published: Type.Integer(),
  rejected: Type.Integer(),
  last24h: Type.Object({ published: Type.Integer(), rejected: Type.Integer() }),
  lastRecordAt: Nullable(Timestamp),
  lastErrorAt: Nullable(Timestamp),
  schema: Nullable(Type.Object({ subject: Type.String(), version: Type.Integer(), id: Type.Integer() })),
  freshness: FreshnessBody,
  disputes: DisputeSummaryBody,
  asOf: Timestamp,
});

export const ThroughputQuery = Type.Object(
  {
    bucket: StringEnum(Object.keys(BUCKETS) as (keyof typeof BUCKETS)[], { default: 'hour', description: 'Bucket size: minute or hour' }),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Start (default: 60 buckets before to)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (default: now)' })),
  },
  { additionalProperties: false },
);

export const ThroughputBody = Type.Object({
  bucket: Type.String(),
  from: Timestamp,
  to: Timestamp,
  points: Type.Array(Type.Object({ at: Timestamp, published: Type.Integer(), rejected: Type.Integer() })),
});

const NodeId = Type.String({ description: 'Node id used by edges' });
export const LineageBody = Type.Object({
  resourceId: Uuid,
  topic: Nullable(Type.Object({ id: NodeId, name: Type.String(), schemaSubject: Nullable(Type.String()) })),
  sources: Type.Array(
    Type.Object({
      id: NodeId,
      type: Type.String(),
      kind: Type.String(),
      location: Nullable(Type.String({ description: "Address without credentials; shown to the data office and the connector's department only" })),
      object: Nullable(Type.String()),
    }),
  ),
  connectors: Type.Array(
    Type.Object({
      id: NodeId,
      connectorId: Uuid,
      name: Type.String(),
      departmentCode: Type.String(),
      type: Type.String(),
      state: Type.String(),
      deadLetterTopic: Type.String(),
      published: Type.Integer(),
      rejected: Type.Integer(),
      lastRecordAt: Nullable(Timestamp),
    }),
  ),
  subscriptions: Type.Array(Type.Object({ id: NodeId, subscriptionId: Type.String(), consumer: Type.String(), state: Type.String() })),
  edges: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
});

export const ResourceParams = Type.Object({ id: Uuid });
