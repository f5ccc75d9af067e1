import type { ErrorObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';
import { childPointer } from './json-pointer.ts';

export const DATE_ORDER_KEYWORD = 'x-date-order';

export interface DateOrderRule {
  readonly earlier: string;
  readonly later: string;
}

/** ISO `YYYY-MM-DD` dates order as strings; pairs where either side is absent or null are skipped. */
export function createDateOrderKeyword(): FuncKeywordDefinition {
  const validate: SchemaValidateFunction = (rules: readonly DateOrderRule[], data: Record<string, unknown>, _parent, cxt) => {
    const errors: Partial<ErrorObject>[] = [];
    for (const { earlier, later } of rules) {
      const from = data[earlier];
      const until = data[later];
      if (typeof from !== 'string' || typeof until !== 'string' || from <= until) continue;
      errors.push({
        keyword: DATE_ORDER_KEYWORD,
        instancePath: childPointer(cxt?.instancePath ?? '', later),
        params: { earlier, later },
        message: `${later} must not be before ${earlier}`,
      });
    }
    validate.errors = errors;
    return errors.length === 0;
  };
  return {
    keyword: DATE_ORDER_KEYWORD,
    type: 'object',
    schemaType: 'array',
    errors: true,
    metaSchema: {
      type: 'array',
      items: {
        type: 'object',
        required: ['earlier', 'later'],
        additionalProperties: false,
        properties: { earlier: { type: 'string' }, later: { type: 'string' } },
      },
    },
    validate,
  };
}
