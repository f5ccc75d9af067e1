import { Type } from '@sinclair/typebox';
import { CANONICAL_SCHEMAS } from '../../../schemas/canonical.ts';
import { StringEnum } from '../../string-enum.ts';

export const MAX_RECORDS = 1000;

const CANONICAL_NAMES = CANONICAL_SCHEMAS.map((schema) => schema.name);

export const ValidateBody = Type.Object(
  {
    schema: StringEnum(CANONICAL_NAMES, { description: 'Canonical schema name, e.g. population.person' }),
    records: Type.Array(Type.Unknown(), { maxItems: MAX_RECORDS, description: `The records to check, at most ${MAX_RECORDS}` }),
  },
  { additionalProperties: false },
);

const Issue = Type.Object({
  path: Type.String({ description: 'JSON pointer to the field, e.g. /id_number; empty for the record itself' }),
  rule: Type.String({ description: 'The format (cn-id-number, ...) or JSON Schema keyword that failed' }),
  message: Type.String({ description: 'What is wrong; identifiers appear masked' }),
});

export const ValidateResult = Type.Object({
  valid: Type.Integer({ description: 'How many records are valid' }),
  invalid: Type.Integer({ description: 'How many records are not' }),
  results: Type.Array(Type.Object({ index: Type.Integer(), valid: Type.Boolean(), errors: Type.Array(Issue) })),
});
