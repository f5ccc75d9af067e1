import { formatsOf, type CanonicalSchema } from '../../../schemas/canonical.ts';
import { upgradeLegacyIdNumber } from '../../../schemas/formats/id-number.ts';
import { isClean, parseDate, parseDecimal, toHalfWidth, trimAll } from './normalise.ts';
import { fieldPath } from '../../../schemas/validation-errors.ts';
import { ruleOf, type FieldRule, type MappingSpec } from './spec.ts';

export interface MappingProblem {
  path: string;
  rule: string;
  message: string;
}

export type MappingResult = { ok: true; value: Record<string, string | null> } | { ok: false; problems: MappingProblem[] };

export const IDENTIFIER_FORMATS: ReadonlySet<string> = new Set(['cn-id-number', 'cn-credit-code', 'cn-organisation-code', 'cn-licence-identifier']);

interface CompiledField {
  name: string;
  rule: FieldRule;
  isDate: boolean;
  isIdentifier: boolean;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && trimAll(value) === '');
}

/** Text made half-width and trimmed, as far as the rule asks. */
function cleaned(text: string, rule: FieldRule): string {
  const halfWidth = rule.fullWidth === false ? text : toHalfWidth(text);
  return rule.trim === false ? halfWidth : trimAll(halfWidth);
}

function convert(field: CompiledField, raw: unknown): { value: string | null } | { problem: MappingProblem } {
  const { rule, name } = field;
  // Most source text needs no cleaning: one test tells, and tells whether it is empty too.
  const clean = typeof raw === 'string' && isClean(raw);
  if (clean ? raw === '' : isEmpty(raw)) return { value: rule.default ?? null };
  if (rule.date !== undefined || field.isDate) {
    const date = parseDate(raw, rule.date ?? 'auto');
    return date === undefined
      ? { problem: { path: fieldPath([name]), rule: 'mapping.date', message: `"${String(raw).slice(0, 40)}" is not a date in the form ${rule.date ?? 'auto'}` } }
      : { value: date };
  }
  if (rule.decimal) {
    const decimal = parseDecimal(raw);
    return decimal === undefined ? { problem: { path: fieldPath([name]), rule: 'mapping.decimal', message: `"${String(raw).slice(0, 40)}" is not a number` } } : { value: decimal };
  }
  let text = raw instanceof Date ? raw.toISOString() : String(raw);
  if (!clean) text = cleaned(text, rule);
  if (rule.case === 'upper' || field.isIdentifier) text = text.toUpperCase();
  if (rule.case === 'lower') text = text.toLowerCase();
  if (rule.upgradeLegacyIdNumber === true) text = upgradeLegacyIdNumber(text) ?? text;
  if (rule.codes) {
    const code = rule.codes[text];
    if (code !== undefined) return { value: code };
    if (rule.unmappedCodes !== 'keep') return { problem: { path: fieldPath([name]), rule: 'mapping.code', message: `"${text.slice(0, 40)}" has no entry in the code table of this mapping` } };
  }
  return { value: text };
}

/**
 * Compiles a mapping for one canonical schema. The result holds every canonical field (null when unmapped or
 * empty), with identifiers (conditional ones too) upper-cased, text trimmed and made half-width, dates made ISO and codes translated.
 */
export function createMapper(spec: MappingSpec, schema: CanonicalSchema): (source: Record<string, unknown>) => MappingResult {
  const properties = schema.jsonSchema.properties;
  const fields: CompiledField[] = Object.entries(spec.fields).map(([name, rule]) => ({
    name,
    rule: ruleOf(rule),
    isDate: properties[name]?.format === 'date',
    isIdentifier: formatsOf(schema.jsonSchema, name).some((format) => IDENTIFIER_FORMATS.has(format)),
  }));
  const template = Object.fromEntries(Object.keys(properties).map((name) => [name, null])) as Record<string, string | null>;

  return (source) => {
    const value = { ...template };
    const problems: MappingProblem[] = [];
    for (const field of fields) {
      const raw = field.rule.const !== undefined ? field.rule.const : field.rule.from !== undefined ? source[field.rule.from] : undefined;
      const converted = convert(field, raw);
      if ('problem' in converted) problems.push(converted.problem);
      else value[field.name] = converted.value;
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
  };
}
