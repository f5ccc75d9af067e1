import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import {
  CATALOGUE_KINDS,
  DATA_TYPES,
  MASKING_RULES,
  RESOURCE_FORMATS,
  SHARING_METHODS,
  SHARING_TYPES,
  UPDATE_CYCLES,
} from './vocabulary.ts';

/** A string enum as plain JSON Schema `enum`, so ajv reports one error naming the allowed values. */
function stringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * Classification code of the 2017 guide (class 1 digit: 1 base, 2 theme, 3 department; item 2 digits; entry 3
 * digits; sub-entry digits), so 1, 3, 6 or more digits; then `/` and the sequence number.
 */
export const RESOURCE_CODE_PATTERN = '^[1-3](?:[0-9]{2}(?:[0-9]{3,27})?)?/[0-9]{1,12}$';
const ResourceCode = Type.String({
  pattern: RESOURCE_CODE_PATTERN,
  description: 'Resource code: classification code of 1 (class), 3 (item), 6 (entry) or more (sub-entry) digits, "/", sequence number, e.g. 101001/000001',
});
/** The shape here; the check character and division part are checked with the resource (catalog/validate.ts). */
const CreditCode = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: "Provider department's unified social credit code (统一社会信用代码, GB 32100), upper case" });
const Topic = Type.String({ pattern: '^[A-Za-z0-9._-]{1,200}$', description: 'Kafka topic the resource is published on, e.g. dx.population.person' });

export const InformationItemInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Item name (信息项名称), in Chinese, e.g. 公民身份号码' }),
    canonicalField: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, description: 'Field of the schema subject this item is, e.g. id_number' }))),
    dataType: stringEnum(DATA_TYPES, { description: 'Data type (数据类型)' }),
    sensitivity: Type.Integer({ minimum: 1, maximum: 4, description: '1 public, 2 internal, 3 sensitive (personal), 4 highly sensitive (e.g. citizen ID numbers)' }),
    masking: stringEnum(MASKING_RULES, { description: 'How subscriptions deliver the item: none, partial (stars the middle), pseudonym (keyed hash), drop' }),
    shareable: Type.Boolean({ description: 'Whether the item may be granted to a consumer at all' }),
    verifiable: Type.Optional(Type.Boolean({ description: 'Whether a query subscription may verify a claimed value of it (match / mismatch, never the value) even without reading it; default false' })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  { additionalProperties: false },
);

const SharingInput = Type.Object(
  {
    type: stringEnum(SHARING_TYPES, { description: 'Sharing type (共享类型)' }),
    condition: Type.Optional(
      Nullable(Type.String({ maxLength: 2000, description: 'Sharing condition (共享条件): required when conditional; the legal basis when not shared' })),
    ),
    methods: Type.Array(stringEnum(SHARING_METHODS), { uniqueItems: true, maxItems: SHARING_METHODS.length, description: 'Sharing methods (共享方式); none when not shared' }),
  },
  { additionalProperties: false },
);

const OpenInput = Type.Object(
  {
    open: Type.Boolean({ description: 'Open to society (是否向社会开放)' }),
    condition: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'Open condition (开放条件)' }))),
  },
  { additionalProperties: false },
);

const writable = {
  code: ResourceCode,
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Resource name (资源名称)' }),
  kind: stringEnum(CATALOGUE_KINDS, { description: 'Catalogue: base, theme or department; must agree with the first digit of code (1, 2, 3)' }),
  providerCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: "Provider department code; the data office must give it, a department's own is used otherwise" })),
  providerName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Provider department name (资源提供方); default the department principal's name" })),
  summary: Type.String({ minLength: 1, maxLength: 4000, description: 'Resource summary (资源摘要)' }),
  keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30, uniqueItems: true, default: [] })),
  providerCreditCode: Type.Optional(Nullable(CreditCode)),
  format: stringEnum(RESOURCE_FORMATS, { description: 'Resource format class (资源格式分类)' }),
  formatType: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50, description: 'Resource format type (资源格式类型), one of the types of its class, e.g. OFD, XLSX, Oracle; see the vocabulary' }))),
  items: Type.Array(InformationItemInput, { minItems: 1, maxItems: 1000, description: 'Information items (信息项)' }),
  sharing: SharingInput,
  open: OpenInput,
  updateCycle: stringEnum(UPDATE_CYCLES, { description: 'Update cycle (更新周期); freshness is judged against it' }),
  publishDate: Type.Optional(Type.String({ format: 'date', description: 'Publish date (发布日期), YYYY-MM-DD; default today (Asia/Shanghai)' })),
  related: Type.Optional(Type.Array(ResourceCode, { maxItems: 100, uniqueItems: true, default: [], description: 'Codes of related resources (关联资源代码)' })),
  topic: Type.Optional(Nullable(Topic)),
  schemaSubject: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'Schema registry subject of the records, e.g. population.person-value' }))),
};

export const CreateResourceBody = Type.Object(writable, { additionalProperties: false });
export type CreateResource = Static<typeof CreateResourceBody>;

export const UpdateResourceBody = Type.Object(
  { ...writable, version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you edited; a newer stored version answers 409' })) },
  { additionalProperties: false },
);
export type UpdateResource = Static<typeof UpdateResourceBody>;

const Timestamp = Type.String({ format: 'date-time' });

export const InformationItemBody = Type.Object({
  name: Type.String(),
  canonicalField: Nullable(Type.String()),
  dataType: stringEnum(DATA_TYPES),
  sensitivity: Type.Integer(),
  masking: stringEnum(MASKING_RULES),
  shareable: Type.Boolean(),
  verifiable: Type.Optional(Type.Boolean()),
  description: Nullable(Type.String()),
});
export type InformationItem = Static<typeof InformationItemBody>;

/** What the catalogue stores of a resource: the document every version of its history holds. */
export const ResourceDocumentBody = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: stringEnum(CATALOGUE_KINDS),
  providerCode: Type.String(),
  providerName: Type.String(),
  providerCreditCode: Nullable(Type.String({ description: "The provider department's credit code; providerCode stays the gateway's department code" })),
  summary: Type.String(),
  keywords: Type.Array(Type.String()),
  format: stringEnum(RESOURCE_FORMATS),
  formatType: Nullable(Type.String()),
  items: Type.Array(InformationItemBody),
  sharing: Type.Object({ type: stringEnum(SHARING_TYPES), condition: Nullable(Type.String()), methods: Type.Array(stringEnum(SHARING_METHODS)) }),
  open: Type.Object({ open: Type.Boolean(), condition: Nullable(Type.String()) }),
  updateCycle: stringEnum(UPDATE_CYCLES),
  publishDate: Type.String({ format: 'date' }),
  related: Type.Array(Type.String()),
  topic: Nullable(Type.String()),
  schemaSubject: Nullable(Type.String()),
});
export type ResourceDocument = Static<typeof ResourceDocumentBody>;
export const DOCUMENT_FIELDS = Object.keys(ResourceDocumentBody.properties) as (keyof ResourceDocument)[];

export const ResourceBody = Type.Composite([
  Type.Object({ id: Type.String({ format: 'uuid' }) }),
  ResourceDocumentBody,
  Type.Object({
    version: Type.Integer({ description: 'Increases by one with every change; see the history' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    createdBy: Nullable(Type.String({ description: 'Principal id; null for base resources created by the gateway' })),
    updatedBy: Nullable(Type.String()),
  }),
]);
export type Resource = Static<typeof ResourceBody>;

/** Who changes the catalogue: a principal, or null for the gateway itself (base resources on first start). */
export type Actor = { id: string; kind: 'office' | 'department' | 'integrator'; name: string } | null;
