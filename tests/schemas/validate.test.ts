import t from 'tap';
import { CANONICAL_SCHEMAS } from '../../schemas/canonical.ts';
import { createFixtureGenerator, INVALID_VARIANTS } from '../../schemas/fixtures/index.ts';
import { createValidator } from '../../schemas/validate.ts';

const NOW = new Date('2024-06-01T00:00:00Z');
const validator = createValidator({ now: () => NOW });

t.test('the validator knows every canonical schema', async (t) => {
  t.same(validator.schemaNames, CANONICAL_SCHEMAS.map((s) => s.name));
});

for (const schema of CANONICAL_SCHEMAS) {
  t.test(`a generated ${schema.name} record is valid`, async (t) => {
    const record = createFixtureGenerator({ seed: 1 }).record(schema.name);
    t.same(validator.validateRecord(schema.name, record), []);
  });
}

for (const variant of INVALID_VARIANTS) {
  t.test(`a ${variant.schemaName} record with ${variant.kind} reports ${variant.expected.rule} at ${variant.expected.path}`, async (t) => {
    const fixture = createFixtureGenerator({ seed: 2 }).invalid(variant.kind);
    const issues = validator.validateRecord(fixture.schemaName, fixture.record);
    t.same(issues.map(({ path, rule }) => ({ path, rule })), [variant.expected]);
  });
}

t.test('validation messages never contain a full ID number or credit code', async (t) => {
  const generator = createFixtureGenerator({ seed: 3 });
  const identifierFields = ['id_number', 'credit_code', 'legal_representative_id_number', 'holder_code', 'issuing_authority_code'];
  for (const variant of INVALID_VARIANTS) {
    const fixture = generator.invalid(variant.kind);
    const identifiers = identifierFields
      .map((field) => fixture.record[field])
      .filter((value): value is string => typeof value === 'string');
    for (const issue of validator.validateRecord(fixture.schemaName, fixture.record)) {
      for (const identifier of identifiers) {
        t.notOk(issue.message.includes(identifier), `${variant.kind}: ${issue.message}`);
        t.notOk(issue.message.toUpperCase().includes(identifier.toUpperCase()), `${variant.kind}: ${issue.message}`);
      }
    }
  }
});

t.test('an invalid ID number message names the problem and shows the number masked', async (t) => {
  const issues = validator.validateRecord('population.person', { id_number: '110105194912310021', name: '张三' });
  t.same(issues, [
    {
      path: 'id_number',
      rule: 'cn-id-number',
      message: 'id_number 110105***********1 has a wrong check character (GB 11643, ISO 7064 MOD 11-2)',
    },
  ]);
});

t.test('a lower-case x is reported with the advice to normalise it', async (t) => {
  const [issue] = validator.validateRecord('population.person', { id_number: '11010519491231002x', name: '张三' });
  t.equal(issue?.rule, 'cn-id-number');
  t.match(issue?.message, /normalise it to X/);
});

t.test('an unknown field named like an ID number is masked in path and message', async (t) => {
  const issues = validator.validateRecord('population.person', {
    id_number: '11010519491231002X',
    name: '张三',
    '440524188001010014': 'x',
  });
  t.same(issues, [
    { path: '440524***********4', rule: 'additionalProperties', message: '440524***********4 is not a field of this schema' },
  ]);
});

t.test('all problems of a record are reported at once', async (t) => {
  const issues = validator.validateRecord('legal-person.organisation', {
    credit_code: '91350100M000100Y44',
    registered_capital_currency: 'RMB',
    status: '7',
  });
  t.same(issues.map((i) => i.path).sort(), ['credit_code', 'name', 'registered_capital_currency', 'status']);
});

t.test('optional fields may be null or absent', async (t) => {
  t.same(validator.validateRecord('licence.licence', { licence_number: 'JY1', licence_name: '食品经营许可证' }), []);
  t.same(
    validator.validateRecord('licence.licence', { licence_number: 'JY1', licence_name: '食品经营许可证', status: null, valid_until: null }),
    [],
  );
});

t.test('a holder code of an unlisted type is not checked as an identifier', async (t) => {
  const record = { licence_number: 'JY1', licence_name: '导游证', holder_code_type: '414', holder_code: 'E12345678' };
  t.same(validator.validateRecord('licence.licence', record), []);
});

t.test('a record that is not an object is reported at the root', async (t) => {
  t.same(validator.validateRecord('population.person', 'not a record'), [
    { path: '', rule: 'type', message: 'record must be object' },
  ]);
});

t.test('an unknown schema name throws', async (t) => {
  t.throws(() => validator.validateRecord('population.pet', {}), /unknown canonical schema: population\.pet/);
});

t.test('the validator uses the injected clock', async (t) => {
  const record = { id_number: '110105202406020027', name: '张三' };
  t.equal(createValidator({ now: () => NOW }).validateRecord('population.person', record)[0]?.rule, 'cn-id-number');
  t.same(createValidator({ now: () => new Date('2024-06-03T00:00:00Z') }).validateRecord('population.person', record), []);
});

t.test('one validator accepts an ID number from the day of the birth date it embeds, in China time', async (t) => {
  let now = new Date('2024-06-01T15:59:59Z'); // 23:59:59 on 1 June in UTC+8
  const clockValidator = createValidator({ now: () => now });
  const record = { id_number: '110105202406020027', name: '张三', birth_date: '2024-06-02', sex: '2' };
  t.equal(clockValidator.validateRecord('population.person', record)[0]?.rule, 'cn-id-number', 'born tomorrow: refused');
  now = new Date('2024-06-01T16:00:00Z');
  t.same(clockValidator.validateRecord('population.person', record), [], 'a second later it is 2 June in China: accepted');
  t.same(clockValidator.validateRecord('population.person', { ...record, birth_date: '2024-06-03' }).map((issue) => issue.path), ['birth_date'], 'and checked against its birth date');
});
