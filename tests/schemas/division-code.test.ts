import t from 'tap';
import { PROVINCE_CODES, checkDivisionCode, isValidDivisionCode, provinceName } from '../../schemas/formats/division-code.ts';

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

t.test('the province codes are exactly those of GB/T 2260', async (t) => {
  const expected = [
    ...range(11, 15), ...range(21, 23), ...range(31, 37), ...range(41, 46),
    ...range(50, 54), ...range(61, 65), '71', '81', '82',
  ];
  t.same(Object.keys(PROVINCE_CODES).sort(), expected.sort());
});

t.test('county, prefecture and province codes are accepted with their level', async (t) => {
  t.same(checkDivisionCode('110105'), { valid: true, level: 'county' });
  t.same(checkDivisionCode('440300'), { valid: true, level: 'prefecture' });
  t.same(checkDivisionCode('650000'), { valid: true, level: 'province' });
});

t.test('a code with an unknown province prefix is rejected', async (t) => {
  for (const code of ['001234', '161234', '991234', '831234', '470100']) {
    t.same(checkDivisionCode(code), { valid: false, problem: 'province' }, code);
  }
});

t.test('a code that is not six digits is rejected', async (t) => {
  for (const code of ['11010', '1101050', '1101a5', ' 110105']) {
    t.notOk(isValidDivisionCode(code), code);
  }
});

t.test('the province name is looked up from the first two digits', async (t) => {
  t.equal(provinceName('440305'), '广东省');
});
