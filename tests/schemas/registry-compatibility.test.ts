import t from 'tap';
import { compatibilityProblems } from '../../schemas/registry/compatibility.ts';
import { readerAccepts } from '../../schemas/registry/json-compatibility.ts';
import { parseSchema } from '../../schemas/registry/parse.ts';
import { parseVersionId } from '../../schemas/registry/version-id.ts';
import type { CompatibilityLevel } from '../../schemas/registry/types.ts';

function avroRecord(...fields: object[]) {
  return parseSchema({ type: 'record', name: 'Person', namespace: 'test', fields: [{ name: 'id_number', type: 'string' }, ...fields] }, 'AVRO');
}

function jsonObject(properties: Record<string, object>, extra: object = {}) {
  return parseSchema({ type: 'object', properties, ...extra }, 'JSON');
}

function check(level: CompatibilityLevel, candidate: ReturnType<typeof parseSchema>, ...earlier: ReturnType<typeof parseSchema>[]) {
  return compatibilityProblems(level, candidate, earlier.map((schema, index) => ({ version: index + 1, schema })));
}

const v1 = avroRecord();
const withDefault = avroRecord({ name: 'name', type: 'string', default: '' });
const withoutDefault = avroRecord({ name: 'name', type: 'string' });

t.test('under BACKWARD an Avro field added without a default is incompatible and one with a default is not', async (t) => {
  t.match(check('BACKWARD', withoutDefault, v1), [/version 1: new schema cannot read old data: .*name/]);
  t.same(check('BACKWARD', withDefault, v1), []);
});

t.test('under FORWARD an Avro field added without a default is fine but removing one the old schema needs is not', async (t) => {
  t.same(check('FORWARD', withoutDefault, v1), []);
  t.match(check('FORWARD', v1, withoutDefault), [/old schema cannot read new data/]);
});

t.test('under FULL an Avro change must hold both ways', async (t) => {
  t.equal(check('FULL', withoutDefault, v1).length, 1);
  t.same(check('FULL', withDefault, v1), []);
});

t.test('non-transitive levels compare with the latest version only, transitive ones with every version', async (t) => {
  t.same(check('BACKWARD', withoutDefault, v1, withDefault), []);
  t.match(check('BACKWARD_TRANSITIVE', withoutDefault, v1, withDefault), [/^version 1: /]);
});

t.test('NONE accepts any change, even of schema type', async (t) => {
  t.same(check('NONE', jsonObject({}), v1), []);
});

t.test('a schema of another type is never compatible', async (t) => {
  t.match(check('BACKWARD', jsonObject({}), v1), [/JSON cannot read data written with AVRO/]);
});

t.test('JSON Schema: a new optional property is backward compatible, a newly required one is not', async (t) => {
  const old = jsonObject({ a: { type: 'string' } }, { required: ['a'] });
  t.same(readerAccepts(jsonObject({ a: { type: 'string' }, b: { type: 'string' } }, { required: ['a'] }).json, old.json), []);
  t.match(readerAccepts(jsonObject({ a: { type: 'string' }, b: { type: 'string' } }, { required: ['a', 'b'] }).json, old.json), ['/b: newly required']);
});

t.test('JSON Schema: removing a property is refused only when the new schema refuses unknown properties', async (t) => {
  const old = jsonObject({ a: { type: 'string' }, b: { type: 'string' } }, { additionalProperties: false });
  t.same(readerAccepts(jsonObject({ a: { type: 'string' } }).json, old.json), []);
  t.match(readerAccepts(jsonObject({ a: { type: 'string' } }, { additionalProperties: false }).json, old.json), [/\/b: removed/]);
});

t.test('JSON Schema: closing an open schema is refused', async (t) => {
  const old = jsonObject({ a: { type: 'string' } });
  t.match(readerAccepts(jsonObject({ a: { type: 'string' } }, { additionalProperties: false }).json, old.json), [/additional properties no longer accepted/]);
});

t.test('JSON Schema: a type may widen but not narrow, and number covers integer', async (t) => {
  const integer = jsonObject({ n: { type: 'integer' } }).json;
  const number = jsonObject({ n: { type: 'number' } }).json;
  const nullable = jsonObject({ n: { type: ['integer', 'null'] } }).json;
  t.same(readerAccepts(number, integer), []);
  t.same(readerAccepts(nullable, integer), []);
  t.match(readerAccepts(integer, number), ['/n: type narrowed, number no longer accepted']);
  t.match(readerAccepts(integer, nullable), ['/n: type narrowed, null no longer accepted']);
});

t.test('JSON Schema: an enum may gain values but not lose them, nor appear where any value was allowed', async (t) => {
  const two = jsonObject({ sex: { type: 'string', enum: ['1', '2'] } }).json;
  const three = jsonObject({ sex: { type: 'string', enum: ['1', '2', '9'] } }).json;
  const free = jsonObject({ sex: { type: 'string' } }).json;
  t.same(readerAccepts(three, two), []);
  t.match(readerAccepts(two, three), ['/sex: enum narrowed, "9" no longer accepted']);
  t.match(readerAccepts(two, free), ['/sex: enum added where any value was accepted']);
  t.same(readerAccepts(free, two), []);
});

t.test('JSON Schema: nested objects and array items are compared too', async (t) => {
  const old = jsonObject({ addresses: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' } } } } });
  const stricter = jsonObject({ addresses: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] } } });
  t.same(readerAccepts(stricter.json, old.json), ['/addresses/items/code: newly required']);
});

t.test('JSON Schema: FORWARD refuses a new schema that drops a property the old one requires', async (t) => {
  const old = jsonObject({ a: { type: 'string' }, b: { type: 'string' } }, { required: ['a', 'b'] });
  const dropped = jsonObject({ a: { type: 'string' } }, { required: ['a'] });
  t.same(check('BACKWARD', dropped, old), []);
  t.match(check('FORWARD', dropped, old), [/old schema cannot read new data: \/b: newly required/]);
});

t.test('JSON Schema: other keywords such as pattern are not compared', async (t) => {
  t.same(readerAccepts(jsonObject({ a: { type: 'string', pattern: '^[0-9]+$' } }).json, jsonObject({ a: { type: 'string' } }).json), []);
});

t.test('two schemas differing only in key order and spacing share a fingerprint', async (t) => {
  const a = parseSchema('{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}', 'AVRO');
  const b = parseSchema('{ "fields": [ { "type": "int", "name": "x" } ], "name": "R", "type": "record" }', 'AVRO');
  t.equal(a.fingerprint, b.fingerprint);
  t.same(JSON.parse(b.text), JSON.parse(a.text));
  t.not(parseSchema('{"type":"string"}', 'JSON').fingerprint, parseSchema('{"type":"string"}', 'AVRO').fingerprint, 'the type is part of the identity');
});

t.test('invalid schemas are refused with 42201', async (t) => {
  t.throws(() => parseSchema('{"type":"record","name":"R","fields":[{"name":"x","type":"strin"}]}', 'AVRO'), { errorCode: 42201, message: /undefined type name: strin/ });
  t.throws(() => parseSchema('{"type":"record","name":"R","fields":[{"name":"x","type":"string","default":3}]}', 'AVRO'), { name: 'RegistryError', errorCode: 42201 });
  t.throws(() => parseSchema('not json', 'AVRO'), { errorCode: 42201, message: /not JSON/ });
  t.throws(() => parseSchema('{"type":"object","properties":{"a":{"type":"strng"}}}', 'JSON'), { name: 'RegistryError', errorCode: 42201 });
  t.throws(() => parseSchema('[1]', 'JSON'), { name: 'RegistryError', errorCode: 42201 });
});

t.test('JSON Schemas with domain formats and custom keywords are accepted', async (t) => {
  t.doesNotThrow(() => parseSchema({ type: 'object', properties: { id: { type: 'string', format: 'cn-id-number' } }, 'x-id-number-consistency': {} }, 'JSON'));
  t.doesNotThrow(() => parseSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', $defs: { a: { type: 'string' } } }, 'JSON'));
});

t.test('versions are positive integers or latest (also -1); anything else is 42202', async (t) => {
  t.equal(parseVersionId('3'), 3);
  t.equal(parseVersionId('latest'), 'latest');
  t.equal(parseVersionId('-1'), 'latest');
  for (const bad of ['0', '-2', 'abc', '1.5', '2147483648', '']) t.throws(() => parseVersionId(bad), { name: 'RegistryError', errorCode: 42202 }, bad);
});
