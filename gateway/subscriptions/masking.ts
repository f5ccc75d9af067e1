import { createHmac } from 'node:crypto';
import type { InformationItem } from '../../catalog/model.ts';
import type { MaskingRule } from '../../catalog/vocabulary.ts';
import { isValidCreditCode, maskCreditCode } from '../../schemas/formats/credit-code.ts';
import { isValidIdNumber, maskIdNumber } from '../../schemas/formats/id-number.ts';
import { maskMiddle } from '../../schemas/formats/mask.ts';

/**
 * What a subscription delivers of a record: the approved fields that are still shareable items of the resource,
 * each under its item's masking rule. Pure: every delivery mode (kafka, http, webhook) projects through here.
 */
export interface Projection {
  /** Delivered fields in item order, with the rule each is delivered under; never `drop`. */
  readonly fields: readonly { readonly field: string; readonly rule: Exclude<MaskingRule, 'drop'> }[];
  /** The field the record key is (the business key), or null when unknown. */
  readonly keyField: string | null;
  /** How the key is delivered: its field's rule, or a pseudonym when that field is not delivered as itself. */
  readonly keyRule: Exclude<MaskingRule, 'drop'>;
  /** The subscription's pseudonym key. */
  readonly pseudonymKey: Buffer;
}

const ID_NUMBER_LIKE = /^\d{17}[\dX]$/i;
const NAME_FIELD = /(^|_)name$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Partial mask, by what the value is: citizen ID numbers keep region and check character (110105***********X),
 * credit codes registration, type and region (91350100*********3), names their first character (张**), dates their
 * year (1990-**-**), other text its first and last character. The result is always text.
 */
export function maskPartial(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (isValidIdNumber(text) || ID_NUMBER_LIKE.test(text)) return maskIdNumber(text);
  if (isValidCreditCode(text)) return maskCreditCode(text);
  if (NAME_FIELD.test(field)) return maskMiddle(text, 1, 0);
  if (DATE.test(text)) return `${text.slice(0, 4)}-**-**`;
  return maskMiddle(text, 1, 1);
}

/** Keyed pseudonym: lowercase hex HMAC-SHA256 of the value's text under the subscription's key. Stable per subscription. */
export function pseudonymise(key: Buffer, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return createHmac('sha256', key).update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex');
}

function apply(rule: Exclude<MaskingRule, 'drop'>, field: string, value: unknown, key: Buffer): unknown {
  switch (rule) {
    case 'none':
      return value ?? null;
    case 'partial':
      return maskPartial(field, value);
    case 'pseudonym':
      return pseudonymise(key, value);
  }
}

/** The projection of `approvedFields` over the resource's current `items`. */
export function createProjection(items: readonly InformationItem[], approvedFields: readonly string[], keyField: string | null, pseudonymKey: Buffer): Projection {
  const approved = new Set(approvedFields);
  const fields = items.flatMap((item) =>
    item.canonicalField !== null && item.shareable && item.masking !== 'drop' && approved.has(item.canonicalField)
      ? [{ field: item.canonicalField, rule: item.masking as Exclude<MaskingRule, 'drop'> }]
      : [],
  );
  const keyRule = fields.find((entry) => entry.field === keyField)?.rule ?? 'pseudonym';
  return { fields, keyField, keyRule, pseudonymKey };
}

/** The delivered record: only the projection's fields, masked. */
export function projectRecord(projection: Projection, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const { field, rule } of projection.fields) record[field] = apply(rule, field, value[field], projection.pseudonymKey);
  return record;
}

/** The delivered record key: masked as its field is, and never in clear unless that field is delivered in clear. */
export function projectKey(projection: Projection, key: string | null): string | null {
  if (key === null) return null;
  return apply(projection.keyRule, projection.keyField ?? 'key', key, projection.pseudonymKey) as string | null;
}
