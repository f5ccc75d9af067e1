import t from 'tap';
import { checkCreditCode, isValidCreditCode } from '../../schemas/formats/credit-code.ts';
import { creditCodeWarnings, embeddedOrganisationCode, hasValidEmbeddedOrganisationCode } from '../../schemas/formats/credit-code-warnings.ts';
import { PROVINCE_CODES } from '../../schemas/formats/division-code.ts';
import { checkIdNumber, ID_NUMBER_REGION_CODES, upgradeLegacyIdNumber } from '../../schemas/formats/id-number.ts';
import { checkLicenceIdentifier, mod3736CheckCharacter } from '../../schemas/formats/licence-identifier.ts';
import { organisationCodeCheckCharacter } from '../../schemas/formats/organisation-code.ts';
import { buildCreditCode, buildIdNumber, buildLicenceIdentifier, randomIdRegion, randomLegacyIdNumber, randomOrganisationCode } from '../../schemas/fixtures/codes.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { withCreditCodeDivision, withIdRegion } from '../../schemas/fixtures/invalid.ts';
import { createRandom } from '../../schemas/fixtures/random.ts';

const NOW = new Date('2026-12-01T00:00:00Z');
const random = createRandom(20_261_201);
const randomIdNumber = () => buildIdNumber(randomIdRegion(random), random.date('1900-01-01', '2026-11-30'), random.int(1, 999));
const PREFIXES = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

t.test('ID numbers start with a province-level region code: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82 and 83', async (t) => {
  const expected = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83'];
  t.same([...ID_NUMBER_REGION_CODES].sort(), expected);
  t.match(checkIdNumber('000000199001010018', { now: NOW }), { valid: false, problem: 'region' });
  t.match(checkIdNumber('990000199001010017', { now: NOW }), { valid: false, problem: 'region' });
  t.match(checkIdNumber('11010519491231002X', { now: NOW }), { valid: true });
  t.match(checkIdNumber('440524188001010014', { now: NOW }), { valid: true });
  t.match(checkIdNumber(buildIdNumber('830000', '1990-01-01', 1), { now: NOW }), { valid: true }, 'a residence permit of a Taiwan resident');
});

t.test('no generated ID number of a valid region is refused, and every other region prefix is refused for its region alone', async (t) => {
  const wrong: string[] = [];
  for (let i = 0; i < 20_000; i += 1) {
    const idNumber = randomIdNumber();
    if (!checkIdNumber(idNumber, { now: NOW, strict: true }).valid) wrong.push(`accepted ${idNumber}`);
    const prefix = random.pick(PREFIXES.filter((p) => !ID_NUMBER_REGION_CODES.has(p)));
    const mutant = withIdRegion(idNumber, prefix);
    const check = checkIdNumber(mutant, { now: NOW });
    if (check.valid || check.problem !== 'region') wrong.push(`refused ${mutant}`);
  }
  t.same(wrong, []);
});

t.test('a 15-digit legacy ID number is upgraded to its 18-digit form', async (t) => {
  t.equal(upgradeLegacyIdNumber('110105491231002'), '11010519491231002X', 'the worked example');
  for (const notLegacy of ['11010549123100', '1101054912310021', '110105491331002', '110105490230002', '11010549123100X', '']) t.equal(upgradeLegacyIdNumber(notLegacy), undefined, notLegacy);
  const wrong: string[] = [];
  for (let i = 0; i < 5_000; i += 1) {
    const legacy = randomLegacyIdNumber(random);
    const upgraded = upgradeLegacyIdNumber(legacy) ?? '';
    if (!checkIdNumber(upgraded, { now: NOW, strict: true }).valid || upgraded.slice(0, 6) !== legacy.slice(0, 6) || upgraded.slice(8, 17) !== legacy.slice(6)) wrong.push(legacy);
  }
  t.same(wrong, []);
});

t.test('the credit code’s division part follows the division-code rules: 000000 and 990000 are refused, national 100000 is not', async (t) => {
  t.ok(isValidCreditCode('91350100M000100Y43'), 'the standard’s example');
  t.ok(isValidCreditCode('914403001922038216'));
  t.match(checkCreditCode(withCreditCodeDivision('91350100M000100Y43', '000000')), { valid: false, problem: 'division' });
  t.match(checkCreditCode(withCreditCodeDivision('91350100M000100Y43', '990000')), { valid: false, problem: 'division' });
  t.ok(isValidCreditCode(withCreditCodeDivision('91350100M000100Y43', '100000')), 'authorities registered at national level');
  const wrong: string[] = [];
  for (let i = 0; i < 20_000; i += 1) {
    const division = random.pick(Object.keys(PROVINCE_CODES)) + String(random.int(0, 9999)).padStart(4, '0');
    const code = buildCreditCode(random.pick(['1', '5', '9', 'Y']), random.pick(['1', '2', '3']), division, randomOrganisationCode(random));
    if (!isValidCreditCode(code)) wrong.push(`accepted ${code}`);
    const mutant = withCreditCodeDivision(code, random.pick(PREFIXES.filter((p) => PROVINCE_CODES[p] === undefined && p !== '10')) + code.slice(4, 8));
    const check = checkCreditCode(mutant);
    if (check.valid || check.problem !== 'division') wrong.push(`refused ${mutant}`);
  }
  t.same(wrong, []);
});

t.test('the e-licence identifier’s check character is ISO 7064 MOD 37,36', async (t) => {
  t.equal(mod3736CheckCharacter('A12425GABC1234002'), 'M', 'the python-stdnum test vector');
});

t.test('generated licence identifiers pass, and each kind of broken one is refused with its problem named', async (t) => {
  const generator = createFixtureGenerator({ seed: 36_904 });
  const wrong: string[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const identifier = generator.licence().licence_identifier as string;
    if (!checkLicenceIdentifier(identifier).valid) wrong.push(`accepted ${identifier}`);
    const check = identifier.slice(-1);
    for (const other of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.replace(check, '')) {
      if (checkLicenceIdentifier(identifier.slice(0, -1) + other).valid) wrong.push(`refused ${identifier.slice(0, -1)}${other}`);
    }
  }
  t.same(wrong, []);
  const typeCode = '11100000MA0000000X001';
  const issuer = '11350100MA0000000X';
  const good = buildLicenceIdentifier(typeCode, issuer, 'JY123');
  t.ok(checkLicenceIdentifier(buildLicenceIdentifier(typeCode, '350100', 'JY123')).valid, 'an issuer written as a division code');
  const cases: [string, string][] = [
    [good.replace('1.2.156.3005.2.', '1.2.156.3005.3.'), 'root'],
    [good.toLowerCase(), 'lower-case'],
    [good.replace('.001.', '.'), 'segments'],
    [`${good}.X`, 'segments'],
    [good.replace('.JY123.', '..'), 'segments'],
    [buildLicenceIdentifier('11100000MA0000000X01', issuer, 'JY123'), 'type-code'],
    [buildLicenceIdentifier(typeCode, '3501', 'JY123'), 'issuer'],
    [buildLicenceIdentifier(typeCode, issuer, 'JY123', '01'), 'version'],
    [good.replace('.JY123.', '.JY-123.'), 'serial'],
  ];
  for (const [identifier, problem] of cases) t.match(checkLicenceIdentifier(identifier), { valid: false, problem }, `${problem}: ${identifier}`);
});

t.test('the organisation code inside a credit code is checked and compared as a warning, never a refusal', async (t) => {
  t.equal(embeddedOrganisationCode('91350100M000100Y43'), 'M000100Y4');
  t.ok(hasValidEmbeddedOrganisationCode('91350100M000100Y43'), 'the standard’s example embeds a valid organisation code');
  const generator = createFixtureGenerator({ seed: 11_714 });
  const wrong: string[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const organisation = generator.organisation();
    if (creditCodeWarnings(organisation).length > 0) wrong.push(`warned ${organisation.credit_code}`);
    const body = organisation.credit_code.slice(8, 16);
    const badCheck = String((Number(organisationCodeCheckCharacter(body) === 'X' ? 10 : organisationCodeCheckCharacter(body)) + 1) % 10);
    const mutant = buildCreditCode(organisation.credit_code.slice(0, 1), organisation.credit_code.slice(1, 2), organisation.credit_code.slice(2, 8), body + badCheck);
    if (!isValidCreditCode(mutant)) wrong.push(`the mutant ${mutant} must stay a valid credit code`);
    const warnings = creditCodeWarnings({ credit_code: mutant, organisation_code: null });
    if (warnings.length !== 1 || warnings[0]?.rule !== 'x-credit-code-organisation-code') wrong.push(`no warning for ${mutant}`);
  }
  t.same(wrong, []);
  const organisation = generator.organisation();
  const hyphenated = `${organisation.organisation_code?.slice(0, 8)}-${organisation.organisation_code?.slice(8)}`;
  t.same(creditCodeWarnings({ ...organisation, organisation_code: hyphenated }), [], 'the hyphenated legacy form is the same code');
  t.match(creditCodeWarnings({ ...organisation, organisation_code: randomOrganisationCode(random) }), [{ path: 'organisation_code', rule: 'x-organisation-code-match' }]);
  t.notOk(JSON.stringify(creditCodeWarnings({ credit_code: '91350100M000100Y43', organisation_code: '123456789' })).includes('M000100Y4'), 'messages name no code');
});
