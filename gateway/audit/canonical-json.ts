/**
 * JSON Canonicalization Scheme (RFC 8785) for the JSON values the audit log stores: object members sorted by their
 * names as UTF-16 code units, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify does
 * (which is what RFC 8785 prescribes). Members whose value is `undefined` are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be canonicalised: JSON has no such number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`a ${typeof value} cannot be canonicalised`);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (!isPlainObject(value)) throw new TypeError('only plain objects, arrays and JSON scalars can be canonicalised');
  const members = Object.keys(value)
    .filter((name) => value[name] !== undefined)
    // Default sort compares UTF-16 code units, as RFC 8785 section 3.2.3 requires.
    .sort()
    .map((name) => `${JSON.stringify(name)}:${canonicalJson(value[name])}`);
  return `{${members.join(',')}}`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
