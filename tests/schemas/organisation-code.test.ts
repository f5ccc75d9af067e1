import t from 'tap';
import {
  isValidOrganisationCode,
  normaliseOrganisationCode,
  organisationCodeCheckCharacter,
} from '../../schemas/formats/organisation-code.ts';

t.test('the organisation codes inside both credit code examples are valid', async (t) => {
  t.ok(isValidOrganisationCode('M000100Y4'));
  t.ok(isValidOrganisationCode('192203821'));
});

t.test('a wrong organisation code check character is rejected', async (t) => {
  t.notOk(isValidOrganisationCode('M000100Y5'));
});

t.test('a check value of 10 is written X and 11 is written 0', async (t) => {
  const found = new Map<string, string>();
  for (let n = 0; n < 2000 && found.size < 2; n += 1) {
    const body = String(n).padStart(8, '0');
    const check = organisationCodeCheckCharacter(body);
    if (check === 'X' || check === '0') found.set(check, body);
  }
  t.ok(isValidOrganisationCode(`${found.get('X')}X`));
  t.ok(isValidOrganisationCode(`${found.get('0')}0`));
});

t.test('the hyphenated legacy form is normalised to nine characters', async (t) => {
  t.equal(normaliseOrganisationCode('m000100y-4'), 'M000100Y4');
  t.notOk(isValidOrganisationCode('M000100Y-4'));
});
