import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CANONICAL_SCHEMAS } from './canonical.ts';
import type { CanonicalSchema } from './canonical.ts';
import { describeError } from './describe-error.ts';
import type { ValidationIssue } from './describe-error.ts';
import { addDomainFormats } from './formats/index.ts';

export type { ValidationIssue } from './describe-error.ts';

export interface RecordValidator {
  readonly schemaNames: readonly string[];
  /** Returns every issue at once; an empty list means the record is valid. Throws on an unknown schema name. */
  validateRecord(schemaName: string, record: unknown): ValidationIssue[];
}

export interface ValidatorOptions {
  readonly now?: () => Date;
  readonly schemas?: readonly CanonicalSchema[];
}

/** Keywords whose failure only repeats a more precise error reported alongside it. */
const SUMMARY_KEYWORDS = new Set(['if']);

export function createValidator(options: ValidatorOptions = {}): RecordValidator {
  const now = options.now ?? (() => new Date());
  const schemas = options.schemas ?? CANONICAL_SCHEMAS;
  const ajv = addDomainFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }), options.now === undefined ? {} : { now: options.now });
  const compiled = new Map<string, ValidateFunction>(
    schemas.map((schema) => [schema.name, ajv.compile(schema.jsonSchema)]),
  );

  function validateRecord(schemaName: string, record: unknown): ValidationIssue[] {
    const validate = compiled.get(schemaName);
    if (validate === undefined) throw new Error(`unknown canonical schema: ${schemaName}`);
    if (validate(record)) return [];
    const errors: ErrorObject[] = validate.errors ?? [];
    return errors
      .filter((error) => !SUMMARY_KEYWORDS.has(error.keyword))
      .map((error) => describeError(error, record, now()));
  }

  return Object.freeze({ schemaNames: Object.freeze([...compiled.keys()]), validateRecord });
}
