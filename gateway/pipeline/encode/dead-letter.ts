import { maskCreditCode } from '../../../schemas/formats/credit-code.ts';
import { maskIdNumber } from '../../../schemas/formats/id-number.ts';
import type { JsonValue } from '../../../connectors/types.ts';
import type { RejectedRecord } from '../batch.ts';
import { ruleOf, type MappingSpec } from '../mapping/spec.ts';

/**
 * What a dead-letter message may carry of a rejected record. The topic is readable by any client the broker lets
 * read it, so it carries no clear personal data: values that look like citizen ID numbers (18 or 15 digits) or
 * credit codes are masked as the catalogue masks them (region and check character kept), anywhere in a value;
 * other values are kept only for source fields mapped to catalogue items of sensitivity 1 or 2 (`clear`); the rest
 * is replaced by REDACTED. The raw record stays in the quarantine table, sealed, for its owner.
 */
export const REDACTED = '***';
const ID_NUMBER = /(?<![0-9A-Z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
const CREDIT_CODE = /(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])/g;
const QUOTED = /"[^"]*"/g;

/** The text with ID numbers and credit codes in it masked. */
export function maskIdentifiers(text: string): string {
  return text.replace(ID_NUMBER, (match) => maskIdNumber(match)).replace(CREDIT_CODE, (match) => maskCreditCode(match));
}

function keptValue(value: unknown): unknown {
  if (typeof value === 'string') return maskIdentifiers(value);
  if (typeof value === 'number') {
    const text = String(value);
    return maskIdentifiers(text) === text ? value : maskIdentifiers(text);
  }
  if (value === null || typeof value === 'boolean' || value === undefined) return value ?? null;
  const text = JSON.stringify(value);
  return maskIdentifiers(text) === text ? value : REDACTED;
}

const WHOLE_ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/;
const WHOLE_CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

function redactedValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (WHOLE_ID_NUMBER.test(text)) return maskIdNumber(text);
  if (WHOLE_CREDIT_CODE.test(text)) return maskCreditCode(text);
  return REDACTED;
}

export function redactSource(source: Record<string, unknown>, clear: ReadonlySet<string>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(source)) redacted[field] = clear.has(field) ? keptValue(value) : redactedValue(value);
  return redacted;
}

/** Mapping problems quote the value they failed on; on the dead-letter path the quote is redacted. */
export function redactErrors(errors: RejectedRecord['errors']): RejectedRecord['errors'] {
  return errors.map((error) => ({ ...error, message: error.message.replace(QUOTED, `"${REDACTED}"`) }));
}

/** A source position may hold a business key (e.g. a key column of ID numbers): masked where it does. */
export function redactOffset(offsetJson: string): { json: string; value: JsonValue } | null {
  const masked = maskIdentifiers(offsetJson);
  return masked === offsetJson ? null : { json: masked, value: JSON.parse(masked) as JsonValue };
}

/**
 * The source fields whose values a dead letter may carry in clear: those every canonical field they map to is an
 * item of sensitivity 1 or 2 of the resource (fields of no item, or of none, are not clear).
 */
export function clearSourceFields(mapping: MappingSpec, items: readonly { canonicalField: string | null; sensitivity: number }[]): string[] {
  const level = new Map(items.flatMap((item) => (item.canonicalField === null ? [] : [[item.canonicalField, item.sensitivity] as const])));
  const clear = new Map<string, boolean>();
  for (const [canonical, rule] of Object.entries(mapping.fields)) {
    const from = ruleOf(rule).from;
    if (from === undefined) continue;
    const sensitivity = level.get(canonical);
    clear.set(from, (clear.get(from) ?? true) && sensitivity !== undefined && sensitivity <= 2);
  }
  return [...clear].filter(([, isClear]) => isClear).map(([field]) => field).sort();
}
