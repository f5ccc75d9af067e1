import t from 'tap';
import {
  CREDIT_CODE_ALPHABET,
  CREDIT_CODE_WEIGHTS,
  checkCreditCode,
  creditCodeCharValue,
  creditCodeCheckCharacter,
  creditCodeWeightedSum,
  isValidCreditCode,
  maskCreditCode,
  normaliseCreditCode,
} from '../../schemas/formats/credit-code.ts';

t.test('the weights are 3^(i-1) mod 31 as listed in the standard', async (t) => {
  t.same(CREDIT_CODE_WEIGHTS, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
});

t.test('the alphabet has 31 characters valued 0-30, without I, O, S, V and Z', async (t) => {
  t.equal(CREDIT_CODE_ALPHABET.length, 31);
  t.equal(creditCodeCharValue('A'), 10);
  t.equal(creditCodeCharValue('Y'), 30);
  for (const letter of 'IOSVZ') t.equal(creditCodeCharValue(letter), -1, letter);
});

t.test('the standard example 91350100M000100Y43 is valid with sum 1640 and check 3', async (t) => {
  const sum = creditCodeWeightedSum('91350100M000100Y4');
  t.equal(sum, 1640);
  t.equal(sum % 31, 28);
  t.equal(creditCodeCheckCharacter('91350100M000100Y4'), '3');
  t.ok(isValidCreditCode('91350100M000100Y43'));
});

t.test('the published code 914403001922038216 is valid with sum 831 and check 6', async (t) => {
  t.equal(creditCodeWeightedSum('91440300192203821'), 831);
  t.equal(creditCodeCheckCharacter('91440300192203821'), '6');
  t.ok(isValidCreditCode('914403001922038216'));
});

t.test('when the sum is a multiple of 31 the check character is 0', async (t) => {
  const prefix = '91350100MA2Y3K7N';
  const last = [...CREDIT_CODE_ALPHABET].find((c) => creditCodeWeightedSum(prefix + c) % 31 === 0);
  if (last === undefined) throw new Error('28 is invertible mod 31, so some 17th character must exist');
  const body = prefix + last;
  t.equal(creditCodeWeightedSum(body) % 31, 0);
  t.equal(creditCodeCheckCharacter(body), '0');
  t.ok(isValidCreditCode(`${body}0`));
});

t.test('a wrong check character is rejected', async (t) => {
  t.same(checkCreditCode('91350100M000100Y44'), { valid: false, problem: 'check-character' });
});

t.test('each of the letters I, O, S, V and Z is rejected', async (t) => {
  for (const letter of 'IOSVZ') {
    t.same(checkCreditCode(`91350100M${letter}00100Y43`), { valid: false, problem: 'characters' }, letter);
  }
});

t.test('a division part that is not six digits is rejected', async (t) => {
  const body = '913501A0M000100Y4';
  t.same(checkCreditCode(body + creditCodeCheckCharacter(body)), { valid: false, problem: 'division' });
});

t.test('a code of the wrong length is rejected', async (t) => {
  t.same(checkCreditCode('91350100M000100Y4'), { valid: false, problem: 'length' });
});

t.test('lower-case letters are normalised, or rejected in strict mode', async (t) => {
  t.equal(normaliseCreditCode(' 91350100m000100y43 '), '91350100M000100Y43');
  t.same(checkCreditCode('91350100m000100y43'), { valid: true, value: '91350100M000100Y43' });
  t.same(checkCreditCode('91350100m000100y43', { strict: true }), { valid: false, problem: 'lower-case' });
});

t.test('the mask keeps positions 1-8 and the check character', async (t) => {
  t.equal(maskCreditCode('91350100M000100Y43'), '91350100*********3');
});

t.test('computing a check character for a body outside the alphabet throws', async (t) => {
  t.throws(() => creditCodeCheckCharacter('91350100O000100Y4'));
});
