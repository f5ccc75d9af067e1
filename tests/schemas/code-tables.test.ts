import t from 'tap';
import {
  CODE_TABLES,
  CURRENCY,
  ETHNICITY,
  HOLDER_CODE_TYPE,
  LICENCE_STATUS,
  ORGANISATION_STATUS,
  SEX,
  codeName,
  codesOf,
} from '../../schemas/formats/code-tables.ts';

t.test('sex codes are 0, 1, 2 and 9', async (t) => {
  t.same(codesOf(SEX), ['0', '1', '2', '9']);
  t.equal(codeName(SEX, '2'), '女性');
});

t.test('the 56 ethnic groups are numbered 01 to 56 in standard order', async (t) => {
  const groups = ETHNICITY.entries.filter((e) => Number(e.code) <= 56);
  t.equal(groups.length, 56);
  t.same(groups.map((e) => e.code), Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
  t.equal(codeName(ETHNICITY, '01'), '汉族');
  t.equal(codeName(ETHNICITY, '43'), '乌孜别克族');
  t.equal(codeName(ETHNICITY, '56'), '基诺族');
});

t.test('ethnicity codes 97 and 98 are other and foreign origin', async (t) => {
  t.equal(codeName(ETHNICITY, '97'), '其他');
  t.equal(codeName(ETHNICITY, '98'), '外国血统中国籍人士');
});

t.test('organisation, licence and holder code tables hold the documented codes', async (t) => {
  t.same(codesOf(ORGANISATION_STATUS), ['1', '2', '3', '4', '9']);
  t.same(codesOf(LICENCE_STATUS), ['1', '2', '3', '4', '5', '6']);
  t.same(codesOf(HOLDER_CODE_TYPE), ['111', '001']);
  t.same(LICENCE_STATUS.entries.map((entry) => entry.nameEn), ['current', 'cancelled', 'revoked', 'withdrawn', 'changed', 'expired'], 'current and cancelled keep their codes');
});

t.test('the currencies include CNY, USD, EUR, HKD, JPY and GBP', async (t) => {
  for (const code of ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP']) t.ok(codesOf(CURRENCY).includes(code), code);
});

t.test('codes and names are unique within every table', async (t) => {
  for (const table of CODE_TABLES) {
    t.equal(new Set(codesOf(table)).size, table.entries.length, `${table.id} codes`);
    t.equal(new Set(table.entries.map((e) => e.name)).size, table.entries.length, `${table.id} names`);
  }
});

t.test('code tables cannot be modified', async (t) => {
  t.ok(Object.isFrozen(ETHNICITY.entries));
  t.ok(Object.isFrozen(ETHNICITY.entries[0]));
});
