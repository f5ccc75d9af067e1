import { Type } from '@sinclair/typebox';
import { Uuid } from '../schemas.ts';

const DepartmentCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const CreateAllowedHostBody = Type.Object(
  {
    entry: Type.String({
      minLength: 1,
      maxLength: 300,
      description: 'A host name (db.hukou.internal, *.gov.internal), address or CIDR range, optionally with a port: 10.2.0.0/16:5432, db.hukou.internal:3306, [::1]:5432',
    }),
    departments: Type.Optional(
      Type.Array(DepartmentCode, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'Department codes whose connectors it lets through; absent: every department' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Why the entry is there (the system and its owner)' })),
  },
  { additionalProperties: false },
);

export const AllowedHostBody = Type.Object({
  id: Uuid,
  entry: Type.String(),
  departments: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: every department' }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const AllowedHostParams = Type.Object({ id: Uuid });
