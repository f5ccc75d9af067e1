import t from 'tap';
import {
  checkIdNumber,
  idNumberBirthDate,
  idNumberCheckCharacter,
  idNumberSexCode,
  idNumberWeightedSum,
  isValidIdNumber,
  maskIdNumber,
  normaliseIdNumber,
} from '../../schemas/formats/id-number.ts';

const NOW = new Date('2024-06-01T00:00:00Z');

t.test('the standard example 11010519491231002X is valid', async (t) => {
  t.same(checkIdNumber('11010519491231002X', { now: NOW }), { valid: true, value: '11010519491231002X' });
});

t.test('the standard example has S = 167 and Y = 2, giving check X', async (t) => {
  const sum = idNumberWeightedSum('11010519491231002');
  t.equal(sum, 167);
  t.equal(sum % 11, 2);
  t.equal(idNumberCheckCharacter('11010519491231002'), 'X');
});

t.test('the standard example 440524188001010014 is valid', async (t) => {
  t.ok(isValidIdNumber('440524188001010014', { now: NOW }));
});

t.test('every remainder Y maps to the check character listed in the standard', async (t) => {
  const expected = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
  const seen = new Set<number>();
  for (let sequence = 0; sequence < 1000 && seen.size < 11; sequence += 1) {
    const body = `11010519800101${String(sequence).padStart(3, '0')}`;
    const y = idNumberWeightedSum(body) % 11;
    if (seen.has(y)) continue;
    seen.add(y);
    t.equal(idNumberCheckCharacter(body), expected[y], `Y = ${y}`);
  }
  t.equal(seen.size, 11);
});

t.test('a check value of 10 is written X', async (t) => {
  let body = '';
  for (let sequence = 0; sequence < 1000; sequence += 1) {
    body = `44030519900215${String(sequence).padStart(3, '0')}`;
    if ((12 - (idNumberWeightedSum(body) % 11)) % 11 === 10) break;
  }
  t.equal(idNumberCheckCharacter(body), 'X');
  t.ok(isValidIdNumber(`${body}X`, { now: NOW }));
  t.notOk(isValidIdNumber(`${body}0`, { now: NOW }));
});

t.test('a wrong check character is rejected', async (t) => {
  t.same(checkIdNumber('110105194912310021', { now: NOW }), { valid: false, problem: 'check-character' });
});

t.test('a birth month of 13 is rejected even with a correct check character', async (t) => {
  const body = '11010519491331002';
  t.same(checkIdNumber(body + idNumberCheckCharacter(body), { now: NOW }), { valid: false, problem: 'birth-date' });
});

t.test('31 February is rejected even with a correct check character', async (t) => {
  const body = '11010519490231002';
  t.same(checkIdNumber(body + idNumberCheckCharacter(body), { now: NOW }), { valid: false, problem: 'birth-date' });
});

t.test('29 February is accepted in 2000 and rejected in 1900', async (t) => {
  const leap = '11010520000229002';
  const notLeap = '11010519000229002';
  t.ok(isValidIdNumber(leap + idNumberCheckCharacter(leap), { now: NOW }));
  t.same(checkIdNumber(notLeap + idNumberCheckCharacter(notLeap), { now: NOW }), { valid: false, problem: 'birth-date' });
});

t.test('a birth year before 1800 is rejected', async (t) => {
  const body = '11010517991231002';
  t.same(checkIdNumber(body + idNumberCheckCharacter(body), { now: NOW }), { valid: false, problem: 'birth-date' });
});

t.test('a birth date after today is rejected', async (t) => {
  const body = '11010520240602002';
  t.same(checkIdNumber(body + idNumberCheckCharacter(body), { now: NOW }), {
    valid: false,
    problem: 'birth-date-in-future',
  });
});

t.test('today is taken in China time, so a birth today in Beijing is accepted before UTC midnight', async (t) => {
  const body = '11010520240602002';
  const beijingJustAfterMidnight = new Date('2024-06-01T16:30:00Z');
  t.ok(isValidIdNumber(body + idNumberCheckCharacter(body), { now: beijingJustAfterMidnight }));
});

t.test('numbers of the wrong length are rejected, including 15-digit legacy numbers', async (t) => {
  t.same(checkIdNumber('11010519491231002', { now: NOW }), { valid: false, problem: 'length' });
  t.same(checkIdNumber('11010519491231002XX', { now: NOW }), { valid: false, problem: 'length' });
  t.same(checkIdNumber('110105491231002', { now: NOW }), { valid: false, problem: 'length' });
});

t.test('letters in the first 17 characters are rejected', async (t) => {
  t.same(checkIdNumber('1101051949123100AX', { now: NOW }), { valid: false, problem: 'characters' });
});

t.test('a lower-case x is accepted by normalising it to X', async (t) => {
  t.same(checkIdNumber('11010519491231002x', { now: NOW }), { valid: true, value: '11010519491231002X' });
  t.equal(normaliseIdNumber(' 11010519491231002x '), '11010519491231002X');
});

t.test('in strict mode a lower-case x is a problem, not a normalisation', async (t) => {
  t.same(checkIdNumber('11010519491231002x', { now: NOW, strict: true }), { valid: false, problem: 'lower-case-x' });
});

t.test('the birth date is extracted as YYYY-MM-DD', async (t) => {
  t.equal(idNumberBirthDate('11010519491231002X'), '1949-12-31');
});

t.test('an odd sequence means male (1) and an even one female (2)', async (t) => {
  t.equal(idNumberSexCode('11010519491231002X'), '2');
  t.equal(idNumberSexCode('440524188001010014'), '1');
});

t.test('the mask keeps the address code and the check character and hides birth date and sequence', async (t) => {
  t.equal(maskIdNumber('11010519491231002X'), '110105***********X');
});
