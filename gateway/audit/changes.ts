import { canonicalJson } from './canonical-json.ts';

/** Names of the `fields` whose values differ between `before` and `after`: what an update audit entry records, never the values. */
export function changedFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((field) => canonicalJson(before[field] ?? null) !== canonicalJson(after[field] ?? null));
}
