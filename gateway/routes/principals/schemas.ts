import { Type } from '@sinclair/typebox';
import { PRINCIPAL_KINDS } from '../../auth/principal.ts';
import { StringEnum } from '../../string-enum.ts';
import { Uuid } from '../schemas.ts';

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const PrincipalBody = Type.Object({
  id: Uuid,
  kind: StringEnum(PRINCIPAL_KINDS),
  name: Type.String(),
  departmentCode: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  disabledAt: NullableTimestamp,
});

export const CreatePrincipalBody = Type.Object(
  {
    kind: StringEnum(PRINCIPAL_KINDS, { description: 'department (data provider), integrator (data consumer) or office (data office administrator)' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Unique name, e.g. "市场监管局"' }),
    departmentCode: Type.Optional(
      Type.String({ pattern: '^[0-9A-Z]{2,32}$', description: "The department's code; required for departments, refused for the others" }),
    ),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const ApiKeyBody = Type.Object({
  id: Uuid,
  principalId: Uuid,
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  label: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  expiresAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

export const IssuedKeyBody = Type.Intersect([ApiKeyBody, Type.Object({ key: Type.String({ description: 'The API key. Shown only in this answer; store it now.' }) })]);

export const IssueKeyBody = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: 200 })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the key stops working; must be in the future' })),
  },
  { additionalProperties: false },
);

export const PrincipalParams = Type.Object({ id: Uuid });
export const KeyParams = Type.Object({ id: Uuid, keyId: Uuid });
