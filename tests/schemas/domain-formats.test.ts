import t from 'tap';
import { Ajv } from 'ajv';
import { idNumberCheckCharacter } from '../../schemas/formats/id-number.ts';
import { addDomainFormats } from '../../schemas/formats/index.ts';

const NOW = new Date('2024-06-01T00:00:00Z');

function createAjv(): Ajv {
  return addDomainFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }), { now: () => NOW });
}

const personSchema = {
  type: 'object',
  properties: {
    id_number: { type: 'string', format: 'cn-id-number' },
    birth_date: { type: ['string', 'null'], format: 'date' },
    sex: { type: ['string', 'null'] },
  },
  'x-id-number-consistency': { idField: 'id_number', birthDateField: 'birth_date', sexField: 'sex' },
};

t.test('the domain formats accept valid and reject invalid identifiers', async (t) => {
  const ajv = createAjv();
  t.ok(ajv.validate({ type: 'string', format: 'cn-id-number' }, '11010519491231002X'));
  t.notOk(ajv.validate({ type: 'string', format: 'cn-id-number' }, '110105194912310021'));
  t.ok(ajv.validate({ type: 'string', format: 'cn-credit-code' }, '91350100M000100Y43'));
  t.notOk(ajv.validate({ type: 'string', format: 'cn-credit-code' }, '91350100M000100Y44'));
  t.ok(ajv.validate({ type: 'string', format: 'cn-division-code' }, '350100'));
  t.notOk(ajv.validate({ type: 'string', format: 'cn-division-code' }, '990100'));
  t.ok(ajv.validate({ type: 'string', format: 'cn-organisation-code' }, 'M000100Y4'));
});

t.test('the id number format refuses a lower-case x so that only the canonical spelling is published', async (t) => {
  t.notOk(createAjv().validate({ type: 'string', format: 'cn-id-number' }, '11010519491231002x'));
});

t.test('the id number format uses the injected clock for future birth dates', async (t) => {
  const body = '11010520240602002';
  const schema = { type: 'string', format: 'cn-id-number' };
  const id = body + idNumberCheckCharacter(body);
  t.notOk(createAjv().validate(schema, id));
  const later = addDomainFormats(new Ajv(), { now: () => new Date('2024-06-03T00:00:00Z') });
  t.ok(later.validate(schema, id));
});

t.test('the date format rejects impossible dates', async (t) => {
  t.notOk(createAjv().validate({ type: 'string', format: 'date' }, '2023-02-29'));
  t.ok(createAjv().validate({ type: 'string', format: 'date' }, '2024-02-29'));
});

t.test('a birth date that disagrees with the id number fails the consistency keyword', async (t) => {
  const validate = createAjv().compile(personSchema);
  t.notOk(validate({ id_number: '11010519491231002X', birth_date: '1949-12-30', sex: '2' }));
  t.match(validate.errors, [{ keyword: 'x-id-number-consistency', instancePath: '/birth_date' }]);
});

t.test('a sex that disagrees with the id number fails the consistency keyword', async (t) => {
  const validate = createAjv().compile(personSchema);
  t.notOk(validate({ id_number: '11010519491231002X', birth_date: '1949-12-31', sex: '1' }));
  t.match(validate.errors, [{ keyword: 'x-id-number-consistency', instancePath: '/sex' }]);
});

t.test('sex codes 0 and 9 never conflict with the id number', async (t) => {
  const validate = createAjv().compile(personSchema);
  t.ok(validate({ id_number: '11010519491231002X', sex: '0' }));
  t.ok(validate({ id_number: '11010519491231002X', sex: '9' }));
});

t.test('missing or null birth date and sex are not a conflict', async (t) => {
  const validate = createAjv().compile(personSchema);
  t.ok(validate({ id_number: '11010519491231002X' }));
  t.ok(validate({ id_number: '11010519491231002X', birth_date: null, sex: null }));
});

t.test('the consistency keyword stays silent when the id number itself is invalid', async (t) => {
  const validate = createAjv().compile(personSchema);
  t.notOk(validate({ id_number: '110105194912310021', birth_date: '2000-01-01', sex: '1' }));
  t.match(validate.errors, [{ keyword: 'format', instancePath: '/id_number' }]);
  t.equal(validate.errors?.length, 1);
});

t.test('consistency errors point into nested objects', async (t) => {
  const validate = createAjv().compile({ type: 'object', properties: { holder: personSchema } });
  t.notOk(validate({ holder: { id_number: '11010519491231002X', sex: '1' } }));
  t.match(validate.errors, [{ instancePath: '/holder/sex' }]);
});

t.test('the consistency keyword messages show the id number masked', async (t) => {
  const validate = createAjv().compile(personSchema);
  validate({ id_number: '11010519491231002X', birth_date: '1949-12-30' });
  const message = validate.errors?.[0]?.message ?? '';
  t.match(message, '110105***********X');
  t.notMatch(message, '11010519491231002X');
});

t.test('a later date before an earlier one fails the date order keyword', async (t) => {
  const validate = createAjv().compile({
    type: 'object',
    'x-date-order': [{ earlier: 'valid_from', later: 'valid_until' }],
  });
  t.ok(validate({ valid_from: '2020-01-01', valid_until: '2020-01-01' }));
  t.ok(validate({ valid_from: '2020-01-01', valid_until: null }));
  t.notOk(validate({ valid_from: '2020-01-02', valid_until: '2020-01-01' }));
  t.match(validate.errors, [{ keyword: 'x-date-order', instancePath: '/valid_until' }]);
});

t.test('a malformed keyword value is refused when the schema is compiled', async (t) => {
  t.throws(() => createAjv().compile({ type: 'object', 'x-id-number-consistency': { birthDateField: 'b' } }));
  t.throws(() => createAjv().compile({ type: 'object', 'x-date-order': [{ earlier: 'a' }] }));
});
