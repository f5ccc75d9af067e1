/**
 * The JSON Schema compatibility rule: `readerAccepts(reader, writer)` lists why a record valid under `writer`
 * might be refused by `reader` (empty: compatible). BACKWARD checks the new schema as reader of the old,
 * FORWARD the old as reader of the new, FULL both. Compared, at the root and recursively through `properties`
 * and `items`:
 *
 * - `required`: the reader requires no property the writer did not require;
 * - `additionalProperties: false` on the reader: the writer was closed too, and every writer property is still a
 *   reader property (so no property is removed from a closed schema);
 * - `type`: the reader's types include the writer's (`number` covers `integer`; no `type` means any type);
 * - `enum` and `const`: every value the writer allows is one the reader allows.
 *
 * A property only the reader declares is checked for `required` alone, not against what an open writer may have
 * carried under that name.
 * Other keywords (formats, patterns, lengths, bounds, `if`/`then`, `$ref`, combinators) are not compared: a change
 * to them is accepted at every level, so tightening a pattern is the data office's judgement, not the registry's.
 */

type Schema = Record<string, unknown>;

const ANY_TYPE = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

function asObject(schema: unknown): Schema | boolean {
  if (typeof schema === 'boolean') return schema;
  return schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? (schema as Schema) : true;
}

function typesOf(schema: Schema): string[] {
  const type = schema['type'];
  if (type === undefined) return ANY_TYPE;
  return (Array.isArray(type) ? type : [type]).map(String);
}

function allowedValues(schema: Schema): unknown[] | undefined {
  if ('const' in schema) return [schema['const']];
  return Array.isArray(schema['enum']) ? schema['enum'] : undefined;
}

function requiredOf(schema: Schema): string[] {
  return Array.isArray(schema['required']) ? schema['required'].map(String) : [];
}

function propertiesOf(schema: Schema): Record<string, unknown> {
  const properties = schema['properties'];
  return properties !== null && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
}

function label(path: string): string {
  return path === '' ? 'the root' : path;
}

function compareTypes(reader: Schema, writer: Schema, path: string): string[] {
  const readerTypes = typesOf(reader);
  const missing = typesOf(writer).filter((type) => !readerTypes.includes(type) && !(type === 'integer' && readerTypes.includes('number')));
  return missing.length > 0 ? [`${label(path)}: type narrowed, ${missing.join(', ')} no longer accepted`] : [];
}

function compareValues(reader: Schema, writer: Schema, path: string): string[] {
  const readerValues = allowedValues(reader);
  if (readerValues === undefined) return [];
  const writerValues = allowedValues(writer);
  if (writerValues === undefined) return [`${label(path)}: enum added where any value was accepted`];
  const key = (value: unknown) => JSON.stringify(value);
  const accepted = new Set(readerValues.map(key));
  const removed = writerValues.filter((value) => !accepted.has(key(value)));
  return removed.length > 0 ? [`${label(path)}: enum narrowed, ${removed.map(key).join(', ')} no longer accepted`] : [];
}

function compareObjects(reader: Schema, writer: Schema, path: string): string[] {
  const problems: string[] = [];
  const writerRequired = requiredOf(writer);
  for (const name of requiredOf(reader)) {
    if (!writerRequired.includes(name)) problems.push(`${path}/${name}: newly required`);
  }
  const readerProperties = propertiesOf(reader);
  const writerProperties = propertiesOf(writer);
  if (reader['additionalProperties'] === false) {
    if (writer['additionalProperties'] !== false) problems.push(`${label(path)}: additional properties no longer accepted`);
    for (const name of Object.keys(writerProperties)) {
      if (!(name in readerProperties)) problems.push(`${path}/${name}: removed from a schema that refuses unknown properties`);
    }
  }
  for (const [name, readerProperty] of Object.entries(readerProperties)) {
    if (name in writerProperties) problems.push(...readerAccepts(readerProperty, writerProperties[name], `${path}/${name}`));
  }
  return problems;
}

/** Why `reader` may refuse a value `writer` accepts, each reason naming a JSON pointer; empty when it never does. */
export function readerAccepts(readerSchema: unknown, writerSchema: unknown, path = ''): string[] {
  const reader = asObject(readerSchema);
  const writer = asObject(writerSchema);
  if (reader === true || writer === false) return [];
  if (reader === false) return [`${label(path)}: no value accepted any more`];
  const writerObject: Schema = writer === true ? {} : writer;
  const problems = [...compareTypes(reader, writerObject, path), ...compareValues(reader, writerObject, path), ...compareObjects(reader, writerObject, path)];
  if ('items' in reader && 'items' in writerObject) problems.push(...readerAccepts(reader['items'], writerObject['items'], `${path}/items`));
  else if ('items' in reader) problems.push(...readerAccepts(reader['items'], true, `${path}/items`));
  return problems;
}
