import { Type, type Static } from '@sinclair/typebox';

const FieldRule = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 1, description: 'Source field name' })),
    const: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()], { description: 'A constant instead of a source field' })),
    default: Type.Optional(Type.String({ description: 'Used when the source value is missing or empty' })),
    trim: Type.Optional(Type.Boolean({ description: 'Trim white space, including full-width spaces (default true)' })),
    fullWidth: Type.Optional(Type.Boolean({ description: 'Turn full-width letters, digits and punctuation into their ASCII forms, NFKC (default true)' })),
    case: Type.Optional(Type.Unsafe<'upper' | 'lower'>({ type: 'string', enum: ['upper', 'lower'], description: 'Change letter case' })),
    codes: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: "Translation of the department's local codes to national codes, e.g. {\"男\": \"1\", \"女\": \"2\"}" }),
    ),
    unmappedCodes: Type.Optional(
      Type.Unsafe<'reject' | 'keep'>({ type: 'string', enum: ['reject', 'keep'], description: 'A value missing from codes: reject the record (default), or keep the value as is' }),
    ),
    date: Type.Optional(
      Type.String({
        pattern: '^(auto|excel|[YMD/.\\-年月日 ]+)$',
        maxLength: 64,
        description: 'Date input: auto (ISO, YYYYMMDD, YYYY/M/D, YYYY年M月D日, timestamps, Excel serials), excel (serial day numbers), or a pattern of Y, M, D such as YYYYMMDD or D/M/YYYY',
      }),
    ),
    decimal: Type.Optional(Type.Boolean({ description: 'Normalise a number: drop thousands separators, keep it as a decimal string' })),
    upgradeLegacyIdNumber: Type.Optional(
      Type.Boolean({ description: 'ID-number fields: turn a 15-digit number issued before 1999 into its 18-digit form (19 inserted before the birth year, the check character appended)' }),
    ),
  },
  { additionalProperties: false },
);

export const MAPPING_SPEC = Type.Object(
  {
    fields: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), Type.Union([Type.String({ minLength: 1 }), FieldRule]), {
      description: 'Canonical field → source field name (shorthand) or a rule',
    }),
  },
  { additionalProperties: false, description: 'How source records become canonical records' },
);

export type FieldRule = Static<typeof FieldRule>;
export type MappingSpec = Static<typeof MAPPING_SPEC>;

export function ruleOf(rule: string | FieldRule): FieldRule {
  return typeof rule === 'string' ? { from: rule } : rule;
}
