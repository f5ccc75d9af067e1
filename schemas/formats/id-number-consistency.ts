import type { ErrorObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';
import { idNumberBirthDate, idNumberSexCode, maskIdNumber } from './id-number.ts';
import { childPointer } from './json-pointer.ts';

export const ID_NUMBER_CONSISTENCY_KEYWORD = 'x-id-number-consistency';

export interface IdNumberConsistencyRule {
  readonly idField: string;
  readonly birthDateField?: string;
  readonly sexField?: string;
}

/** Sex codes that state nothing, so they never conflict with the sex embedded in an ID number. */
const NEUTRAL_SEX_CODES = new Set(['0', '9']);

/**
 * Checks that the birth date and sex fields agree with those embedded in the ID number.
 * Only runs when the ID number itself is valid; a malformed one is the format's error, not this one's.
 */
export function createIdNumberConsistencyKeyword(isValidIdNumber: (id: string) => boolean): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = (rule: IdNumberConsistencyRule, data: Record<string, unknown>, _parent, cxt) => {
    validate.errors = [];
    const id = data[rule.idField];
    if (typeof id !== 'string' || !isValidIdNumber(id)) return true;
    const base = cxt?.instancePath ?? '';
    const errors: Partial<ErrorObject>[] = [];
    const birthDate = rule.birthDateField === undefined ? undefined : data[rule.birthDateField];
    if (rule.birthDateField !== undefined && typeof birthDate === 'string' && birthDate !== idNumberBirthDate(id)) {
      errors.push({
        keyword: ID_NUMBER_CONSISTENCY_KEYWORD,
        instancePath: childPointer(base, rule.birthDateField),
        params: { field: rule.birthDateField, idField: rule.idField },
        message: `${rule.birthDateField} does not match the birth date embedded in ${rule.idField} ${maskIdNumber(id)}`,
      });
    }
    const sex = rule.sexField === undefined ? undefined : data[rule.sexField];
    if (
      rule.sexField !== undefined &&
      typeof sex === 'string' &&
      !NEUTRAL_SEX_CODES.has(sex) &&
      sex !== idNumberSexCode(id)
    ) {
      errors.push({
        keyword: ID_NUMBER_CONSISTENCY_KEYWORD,
        instancePath: childPointer(base, rule.sexField),
        params: { field: rule.sexField, idField: rule.idField },
        message: `${rule.sexField} does not match the sex embedded in ${rule.idField} ${maskIdNumber(id)}`,
      });
    }
    validate.errors = errors;
    return errors.length === 0;
  };
  return {
    keyword: ID_NUMBER_CONSISTENCY_KEYWORD,
    type: 'object',
    schemaType: 'object',
    errors: true,
    metaSchema: {
      type: 'object',
      required: ['idField'],
      additionalProperties: false,
      properties: {
        idField: { type: 'string' },
        birthDateField: { type: 'string' },
        sexField: { type: 'string' },
      },
    },
    validate,
  };
}
