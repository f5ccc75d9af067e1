import { Type } from '@sinclair/typebox';
import { MAX_BATCH, VERDICTS } from '../../registers/query-service.ts';
import { LOOKUP_FORMS } from '../../registers/usage.ts';
import { StringEnum } from '../../string-enum.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Key = Type.String({ minLength: 1, maxLength: 100, description: 'Business key: ID number, credit code or licence number (full-width digits and a lower-case x are normalised)' });

/** What every query must carry (docs/registers.md). */
const accounting = {
  purpose: Type.String({ minLength: 1, maxLength: 500, description: 'Why the lookup is made (事由), e.g. 办理营业执照变更' }),
  operator: Type.String({ minLength: 1, maxLength: 100, description: "The person at the counter (经办人): an id of the integrator's own" }),
  caseNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The case the lookup is for (办件编号)' })),
};

export const LookupBody = Type.Object({ key: Key, ...accounting }, { additionalProperties: false });
export const BatchLookupBody = Type.Object({ keys: Type.Array(Key, { minItems: 1, maxItems: MAX_BATCH, description: `At most ${MAX_BATCH} keys` }), ...accounting }, { additionalProperties: false });
export const VerifyBody = Type.Object(
  {
    key: Key,
    claims: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), Type.String({ maxLength: 500 }), { description: 'Claimed values by canonical field, e.g. { "name": "张三" }', maxProperties: 30 }),
    ...accounting,
  },
  { additionalProperties: false },
);
export const HolderBody = Type.Object(
  {
    holderCodeType: Type.String({ pattern: '^\\d{3}$', description: 'Holder code type (持证主体代码类型): 111 citizen ID number, 001 unified social credit code, …' }),
    holderCode: Type.String({ minLength: 1, maxLength: 50, description: 'Holder code (持证主体代码)' }),
    licenceTypeCode: Type.Optional(Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}\\d{3}$', description: 'Only licences of this type (证照类型代码)' })),
    ...accounting,
  },
  { additionalProperties: false },
);

const RecordBody = Type.Object({}, { additionalProperties: true, description: "The subscription's fields of the current record, masked as its items say" });
const Found = Type.Object({ found: Type.Literal(true), key: Nullable(Type.String({ description: 'The key, masked as its field is' })), record: RecordBody, updatedAt: Timestamp });
const NotFound = Type.Object({ found: Type.Literal(false), key: Nullable(Type.String()) });
export const LookupAnswer = Type.Union([Found, NotFound]);
export const BatchLookupAnswer = Type.Object({ items: Type.Array(LookupAnswer, { description: 'In the order of the keys sent' }) });
export const VerifyAnswer = Type.Object({
  found: Type.Boolean(),
  fields: Type.Record(Type.String(), StringEnum(VERDICTS), { description: 'Per claimed field: match, mismatch, or unknown (no record, or no value stored)' }),
});
export const HolderAnswer = Type.Object({ licences: Type.Array(Type.Object({ key: Nullable(Type.String()), record: RecordBody, updatedAt: Timestamp }), { description: 'Valid licences: current status and within their validity dates' }) });

const Alert = Type.Object({ distinctPerHour: Type.Integer(), refused: Type.Integer({ description: 'Queries refused so far' }), firstAt: Timestamp, lastAt: Timestamp });
export const QueryUsageAnswer = Type.Object({
  distinctPerHour: Type.Integer({ description: 'The limit: distinct entities an hour' }),
  distinctThisHour: Type.Integer(),
  alert: Nullable(Alert),
});

const EnabledRegister = Type.Object({
  enabled: Type.Literal(true),
  size: Type.Integer({ description: 'Entities in the register now' }),
  generation: Type.Integer(),
  rebuilding: Type.Boolean({ description: 'A rebuild is under way; lookups answer from the previous state until it has caught up' }),
  undecodable: Type.Integer({ description: 'Topic records skipped because they did not decode' }),
  lag: Type.Object({ records: Type.Integer(), seconds: Type.Number() }),
  lookupsPerDay: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), lookups: Type.Integer() }), { description: 'Entities looked up per day (Asia/Shanghai), last 30 days' }),
  alerts: Type.Array(Type.Composite([Type.Object({ subscriptionId: Type.String(), integratorName: Type.String() }), Alert]), { description: 'Subscriptions refused by their hourly limit (provider and data office only)' }),
});

export const RegisterAnswer = Type.Union([Type.Object({ enabled: Type.Literal(false, { description: 'The resource has no register (DX_REGISTER_RESOURCES)' }) }), EnabledRegister]);

export const RebuildAnswer = Type.Object({ generation: Type.Integer({ description: 'The generation being built; lookups switch to it when it has caught up' }) });

export const UsageQuery = Type.Object(
  { key: Key, limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
  { additionalProperties: false },
);
export const UsageAnswer = Type.Object({
  items: Type.Array(
    Type.Object({
      lookedUpAt: Timestamp,
      form: StringEnum(LOOKUP_FORMS),
      subscriptionId: Type.String(),
      integrator: Type.Object({ id: Type.String(), name: Type.String() }),
      operator: Type.String(),
      purpose: Type.String(),
      caseNumber: Nullable(Type.String()),
      fields: Type.Array(Type.String(), { description: 'Fields answered or verified' }),
      auditSequence: Type.Integer({ description: 'The audit entry of the lookup' }),
      onBehalfOf: Nullable(
        Type.Object(
          { instance: Type.String({ description: 'The peer gateway that asked (its instance id)' }), integrator: Type.String({ description: "The peer's integrator the lookup was made for (its id there)" }) },
          { description: 'A lookup a peer gateway made for one of its integrators (docs/federation.md); null for a local one' },
        ),
      ),
    }),
  ),
});
