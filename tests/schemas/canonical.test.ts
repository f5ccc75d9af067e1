import t from 'tap';
import { CANONICAL_SCHEMAS, findCanonicalSchema, getCanonicalSchema } from '../../schemas/canonical.ts';
import type { AvroField, CanonicalSchema } from '../../schemas/canonical.ts';
import {
  CURRENCY,
  ETHNICITY,
  LICENCE_STATUS,
  ORGANISATION_STATUS,
  SEX,
  codesOf,
} from '../../schemas/formats/code-tables.ts';

function isNullable(field: AvroField): boolean {
  return Array.isArray(field.type) && field.type.includes('null');
}

t.test('the catalogue holds person, organisation and licence v1 with their subjects and keys', async (t) => {
  t.same(
    CANONICAL_SCHEMAS.map((s) => [s.name, s.version, s.subject, s.businessKey]),
    [
      ['population.person', 1, 'population.person-value', 'id_number'],
      ['legal-person.organisation', 1, 'legal-person.organisation-value', 'credit_code'],
      ['licence.licence', 1, 'licence.licence-value', 'licence_number'],
    ],
  );
});

t.test('an unknown schema name is not found, and getting it throws', async (t) => {
  t.equal(findCanonicalSchema('population.pet'), undefined);
  t.throws(() => getCanonicalSchema('population.pet'), /unknown canonical schema/);
});

for (const schema of CANONICAL_SCHEMAS) {
  const avroFields = schema.avroSchema.fields;
  const properties = schema.jsonSchema.properties;

  t.test(`${schema.name}: Avro and JSON Schema have the same fields in the same order`, async (t) => {
    t.same(avroFields.map((f) => f.name), Object.keys(properties));
  });

  t.test(`${schema.name}: exactly the required JSON fields are non-nullable in Avro`, async (t) => {
    t.same(avroFields.filter((f) => !isNullable(f)).map((f) => f.name), schema.jsonSchema.required);
  });

  t.test(`${schema.name}: optional fields are null-first unions defaulting to null`, async (t) => {
    for (const field of avroFields.filter(isNullable)) {
      t.same(field.type, ['null', 'string'], field.name);
      t.equal(field.default, null, field.name);
      t.same(properties[field.name]?.type, ['string', 'null'], field.name);
    }
  });

  t.test(`${schema.name}: every field has a Chinese title and an English description, also in the Avro doc`, async (t) => {
    for (const field of avroFields) {
      const property = properties[field.name];
      t.match(property?.title, /\p{Script=Han}/u, field.name);
      t.match(property?.description, /^[A-Z]/, field.name);
      t.equal(field.doc, `${property?.title} — ${property?.description}`, field.name);
    }
  });

  t.test(`${schema.name}: the business key is required and not nullable`, async (t) => {
    t.ok(schema.jsonSchema.required.includes(schema.businessKey));
    const key = avroFields.find((f) => f.name === schema.businessKey);
    t.equal(key?.type, 'string');
  });

  t.test(`${schema.name}: the JSON Schema is closed and draft-07`, async (t) => {
    t.equal(schema.jsonSchema['additionalProperties'], false);
    t.equal(schema.jsonSchema['$schema'], 'http://json-schema.org/draft-07/schema#');
  });

  t.test(`${schema.name}: the Avro record lives in the gov.dx namespace`, async (t) => {
    t.match(schema.avroSchema.namespace, /^gov\.dx\.[a-z]+$/);
    t.equal(schema.avroType.typeName, 'record');
  });

  t.test(`${schema.name}: cross-field rules only name fields of the schema`, async (t) => {
    const named: string[] = [];
    const consistency = schema.jsonSchema['x-id-number-consistency'] as Record<string, string> | undefined;
    if (consistency !== undefined) named.push(...Object.values(consistency));
    const order = (schema.jsonSchema['x-date-order'] ?? []) as { earlier: string; later: string }[];
    for (const pair of order) named.push(pair.earlier, pair.later);
    for (const name of named) t.ok(name in properties, name);
  });
}

function enumOf(schema: CanonicalSchema, field: string): unknown {
  return schema.jsonSchema.properties[field]?.['enum'];
}

t.test('the code-table enums in the schemas match the code tables', async (t) => {
  const person = getCanonicalSchema('population.person');
  const organisation = getCanonicalSchema('legal-person.organisation');
  const licence = getCanonicalSchema('licence.licence');
  t.same(enumOf(person, 'sex'), [...codesOf(SEX), null]);
  t.same(enumOf(person, 'ethnicity'), [...codesOf(ETHNICITY), null]);
  t.same(enumOf(organisation, 'status'), [...codesOf(ORGANISATION_STATUS), null]);
  t.same(enumOf(organisation, 'registered_capital_currency'), [...codesOf(CURRENCY), null]);
  t.same(enumOf(licence, 'status'), [...codesOf(LICENCE_STATUS), null]);
});

t.test('the catalogue and its entries cannot be modified', async (t) => {
  t.ok(Object.isFrozen(CANONICAL_SCHEMAS));
  t.ok(Object.isFrozen(CANONICAL_SCHEMAS[0]));
});
