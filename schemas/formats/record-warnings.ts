import { creditCodeWarnings, type DataQualityWarning } from './credit-code-warnings.ts';

export type { DataQualityWarning };

type SoftRules = (record: Record<string, unknown>) => DataQualityWarning[];

/** Shared by every record of a schema without soft rules: nothing allocated per record on the hot path. */
const NONE: readonly DataQualityWarning[] = Object.freeze([]);

/** The soft rules of each canonical schema; a schema not named here has none. */
const SOFT_RULES: Readonly<Record<string, SoftRules>> = Object.freeze({
  'legal-person.organisation': creditCodeWarnings,
});

/**
 * The data-quality warnings of a record that passed validation: soft rules broken, which publish the record all the
 * same (real registers hold such data) and travel with it in the `dx-warnings` header.
 */
export function recordWarnings(schemaName: string, record: Record<string, unknown>): readonly DataQualityWarning[] {
  const rules = SOFT_RULES[schemaName];
  return rules === undefined ? NONE : rules(record);
}

/** The `dx-warnings` header's value: a JSON array of `{ rule, path }`, short since it is sent with every warned record. */
export function warningsHeader(warnings: readonly DataQualityWarning[]): string {
  return JSON.stringify(warnings.map(({ rule, path }) => ({ rule, path })));
}
