import type { ErrorObject } from 'ajv';
import { checkCreditCode, CREDIT_CODE_PROBLEM_MESSAGES, maskCreditCode } from './formats/credit-code.ts';
import { checkDivisionCode, DIVISION_CODE_PROBLEM_MESSAGES } from './formats/division-code.ts';
import { checkIdNumber, ID_NUMBER_PROBLEM_MESSAGES, maskIdNumber } from './formats/id-number.ts';
import { DOMAIN_FORMATS } from './formats/index.ts';
import { checkLicenceIdentifier, LICENCE_IDENTIFIER_PROBLEM_MESSAGES } from './formats/licence-identifier.ts';
import { redactIdentifiers } from './formats/redact.ts';
import { ajvErrorPath } from './validation-errors.ts';

export interface ValidationIssue {
  /** The offending field (`id_number`, `items[0].name`: schemas/validation-errors.ts), or `''` for the record itself. */
  readonly path: string;
  /** The format name (`cn-id-number`) for format errors, otherwise the JSON Schema keyword. */
  readonly rule: string;
  /** Safe to log: identifiers appear masked only. */
  readonly message: string;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const token of pointer.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function label(path: string): string {
  return path === '' ? 'record' : path;
}

function describeFormat(format: string, value: unknown, now: Date): string {
  if (typeof value !== 'string') return `must match format "${format}"`;
  switch (format) {
    case DOMAIN_FORMATS.idNumber: {
      const result = checkIdNumber(value, { now, strict: true });
      const reason = result.valid ? 'is not a valid citizen ID number' : ID_NUMBER_PROBLEM_MESSAGES[result.problem];
      return `${maskIdNumber(value)} ${reason}`;
    }
    case DOMAIN_FORMATS.creditCode: {
      const result = checkCreditCode(value, { strict: true });
      const reason = result.valid ? 'is not a valid credit code' : CREDIT_CODE_PROBLEM_MESSAGES[result.problem];
      return `${maskCreditCode(value)} ${reason}`;
    }
    case DOMAIN_FORMATS.divisionCode: {
      const result = checkDivisionCode(value);
      return result.valid ? 'is not a valid division code' : DIVISION_CODE_PROBLEM_MESSAGES[result.problem];
    }
    case DOMAIN_FORMATS.licenceIdentifier: {
      const result = checkLicenceIdentifier(value);
      return result.valid ? 'is not a valid licence identifier' : LICENCE_IDENTIFIER_PROBLEM_MESSAGES[result.problem];
    }
    case DOMAIN_FORMATS.organisationCode:
      return 'must be an 8-character organisation code with its check character (GB 11714)';
    case 'date':
      return 'must be a real calendar date written YYYY-MM-DD';
    default:
      return `must match format "${format}"`;
  }
}

function ruleOf(error: ErrorObject): string {
  return error.keyword === 'format' ? String(error.params['format']) : error.keyword;
}

function explain(error: ErrorObject, path: string, record: unknown, now: Date): string {
  const field = label(path);
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not a field of this schema`;
    case 'format':
      return `${field} ${describeFormat(String(error.params['format']), valueAt(record, error.instancePath), now)}`;
    default:
      return error.message?.startsWith(field) === true ? error.message : `${field} ${error.message ?? 'is invalid'}`;
  }
}

export function describeError(error: ErrorObject, record: unknown, now: Date): ValidationIssue {
  const path = ajvErrorPath(error);
  return {
    path: redactIdentifiers(path),
    rule: ruleOf(error),
    message: redactIdentifiers(explain(error, path, record, now)),
  };
}
