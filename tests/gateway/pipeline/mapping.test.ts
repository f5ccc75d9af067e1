import t from 'tap';
import { getCanonicalSchema } from '../../../schemas/canonical.ts';
import { createMapper } from '../../../gateway/pipeline/mapping/apply.ts';
import { checkMapping } from '../../../gateway/pipeline/mapping/check.ts';
import { excelSerialToDate, parseDate, parseDecimal } from '../../../gateway/pipeline/mapping/normalise.ts';

const person = getCanonicalSchema('population.person');
const organisation = getCanonicalSchema('legal-person.organisation');

t.test('a source record becomes a full canonical record with codes translated and text normalised', async (t) => {
  const map = createMapper(
    { fields: { id_number: 'SFZH', name: { from: 'XM' }, sex: { from: 'XB', codes: { 男: '1', 女: '2' } }, birth_date: 'CSRQ', ethnicity: { const: '01' } } },
    person,
  );
  const result = map({ SFZH: ' １１０１０５１９４９１２３１００２ｘ ', XM: '　张三 ', XB: '男', CSRQ: '1949年12月31日', OTHER: 'ignored' });
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.value.id_number, '11010519491231002X', 'full-width digits, spaces and lower-case x are normalised');
  t.equal(result.value.name, '张三');
  t.equal(result.value.sex, '1');
  t.equal(result.value.birth_date, '1949-12-31');
  t.equal(result.value.ethnicity, '01');
  t.equal(result.value.registered_address, null, 'unmapped fields are null');
  t.notOk('OTHER' in result.value);
});

t.test('text is made half-width and trimmed only as far as its rule asks, and blank text is empty', async (t) => {
  const rules = {
    both: { from: 'v' },
    keepWidth: { from: 'v', fullWidth: false },
    keepSpaces: { from: 'v', trim: false },
    asIs: { from: 'v', fullWidth: false, trim: false },
  } as const;
  const expected: Record<string, [string, string, string, string]> = {
    'plain 张三': ['plain 张三', 'plain 张三', 'plain 张三', 'plain 张三'],
    // Made half-width but not trimmed, the ideographic space becomes an ordinary one.
    '　ＡＢ１ ': ['AB1', 'ＡＢ１', ' AB1 ', '　ＡＢ１ '],
    ' 张三': ['张三', '张三', ' 张三', ' 张三'],
    'Ａ': ['A', 'Ａ', 'A', 'Ａ'],
  };
  for (const [input, outputs] of Object.entries(expected)) {
    for (const [index, rule] of Object.values(rules).entries()) {
      const result = createMapper({ fields: { name: rule } }, person)({ v: input });
      t.equal(result.ok && result.value.name, outputs[index], `${JSON.stringify(input)} with ${JSON.stringify(rule)}`);
    }
  }
  for (const blank of ['', ' ', '　', ' 　\t']) {
    const result = createMapper({ fields: { name: { from: 'v', default: '无' } } }, person)({ v: blank });
    t.equal(result.ok && result.value.name, '无', `${JSON.stringify(blank)} is empty: the default`);
  }
});

t.test('an unknown local code, a bad date and a bad number are rejected naming the field', async (t) => {
  const map = createMapper({ fields: { credit_code: 'code', name: 'name', status: { from: 'zt', codes: { 存续: '1' } }, establishment_date: 'clrq', registered_capital: { from: 'zczb', decimal: true } } }, organisation);
  const result = map({ code: '91350100M000100Y43', name: '某公司', zt: '吊销未注销', clrq: '2023-02-30', zczb: '一百万' });
  t.notOk(result.ok);
  if (result.ok) return;
  t.same(result.problems.map((p) => [p.path, p.rule]), [['status', 'mapping.code'], ['establishment_date', 'mapping.date'], ['registered_capital', 'mapping.decimal']]);
});

t.test('dates are read from every common form, including Excel serials', async (t) => {
  t.equal(parseDate('2024-02-29', 'auto'), '2024-02-29');
  t.equal(parseDate('20240229', 'auto'), '2024-02-29');
  t.equal(parseDate('2024/2/9', 'auto'), '2024-02-09');
  t.equal(parseDate('2024-02-09T08:00:00+08:00', 'auto'), '2024-02-09');
  t.equal(parseDate(45351, 'auto'), '2024-02-29');
  t.equal(excelSerialToDate(1), '1899-12-31');
  t.equal(parseDate('09/02/2024', 'DD/MM/YYYY'), '2024-02-09');
  t.equal(parseDate('2023-02-29', 'auto'), undefined, 'no 29 February in 2023');
  t.equal(parseDate('yesterday', 'auto'), undefined);
});

t.test('a date must exist in the calendar, century leap years included, and have a year of three digits or more', async (t) => {
  t.equal(parseDate('20000229', 'YYYYMMDD'), '2000-02-29', 'a leap year: divisible by 400');
  t.equal(parseDate('19000229', 'YYYYMMDD'), undefined, 'not a leap year: divisible by 100');
  t.equal(parseDate('2024-04-31', 'auto'), undefined, 'April has 30 days');
  t.equal(parseDate('2024-13-01', 'auto'), undefined);
  t.equal(parseDate('2024-12-00', 'auto'), undefined);
  t.equal(parseDate('0999-12-31', 'auto'), '0999-12-31');
  t.equal(parseDate('00500101', 'YYYYMMDD'), undefined, 'a year before 100 has most likely lost its century');
});

t.test('decimals lose thousands separators and full-width digits but keep their value', async (t) => {
  t.equal(parseDecimal('1,000,000.50'), '1000000.50');
  t.equal(parseDecimal('１２３'), '123');
  t.equal(parseDecimal('007'), '7');
  t.equal(parseDecimal('1e5'), undefined);
});

t.test('a mapping is checked against its target schema at registration', async (t) => {
  const problems = checkMapping({ fields: { name: 'XM', sex: { from: 'XB', codes: { 男: 'M' } }, nickname: 'NC', birth_date: { from: 'a', const: 'b' } } }, person);
  t.same(problems.map((p) => p.path).sort(), ['mapping.fields.birth_date', 'mapping.fields.id_number', 'mapping.fields.nickname', 'mapping.fields.sex.codes.男']);
});

t.test('every ID-number and credit-code field is normalised, also those whose format applies conditionally', async (t) => {
  const licence = getCanonicalSchema('licence.licence');
  const holder = createMapper({ fields: { licence_number: 'BH', licence_name: 'MC', holder_code_type: 'LX', holder_code: 'DM', licence_identifier: 'BS' } }, licence);
  const person = holder({ BH: 'JY1', MC: '食品经营许可证', LX: '111', DM: '１１０１０５１９４９１２３１００２ｘ', BS: ' 1.2.156.3005.2.11100000ma0000000x001.11350100ma0000000x.jy123.001.q ' });
  t.match(person, { ok: true, value: { holder_code: '11010519491231002X', licence_identifier: '1.2.156.3005.2.11100000MA0000000X001.11350100MA0000000X.JY123.001.Q' } });
  t.match(holder({ BH: 'JY1', MC: '食品经营许可证', LX: '001', DM: '91350100m000100y43' }), { ok: true, value: { holder_code: '91350100M000100Y43' } });
  const representative = createMapper({ fields: { credit_code: 'TYSHXYDM', name: 'MC', legal_representative_id_type: 'ZJLX', legal_representative_id_number: 'ZJHM' } }, organisation);
  t.match(representative({ TYSHXYDM: '91350100M000100Y43', MC: '某公司', ZJLX: '111', ZJHM: '11010519491231002x' }), { ok: true, value: { legal_representative_id_number: '11010519491231002X' } });
});

t.test('a 15-digit ID number is upgraded only where the mapping asks, and the rule is refused on a field that is no ID number', async (t) => {
  const upgrade = createMapper({ fields: { id_number: { from: 'SFZH', upgradeLegacyIdNumber: true }, name: 'XM' } }, person);
  t.match(upgrade({ SFZH: '110105491231002', XM: '张三' }), { ok: true, value: { id_number: '11010519491231002X' } });
  t.match(upgrade({ SFZH: '11010519491231002X', XM: '张三' }), { ok: true, value: { id_number: '11010519491231002X' } }, '18-digit numbers pass as they are');
  t.match(createMapper({ fields: { id_number: 'SFZH', name: 'XM' } }, person)({ SFZH: '110105491231002', XM: '张三' }), { ok: true, value: { id_number: '110105491231002' } }, 'without the rule the number is left for validation to refuse');
  const conditional = createMapper({ fields: { credit_code: 'DM', name: 'MC', legal_representative_id_type: 'LX', legal_representative_id_number: { from: 'HM', upgradeLegacyIdNumber: true } } }, organisation);
  t.match(conditional({ DM: '91350100M000100Y43', MC: '某公司', LX: '111', HM: '110105491231002' }), { ok: true, value: { legal_representative_id_number: '11010519491231002X' } });
  t.same(checkMapping({ fields: { id_number: { from: 'SFZH', upgradeLegacyIdNumber: true }, name: { from: 'XM', upgradeLegacyIdNumber: true } } }, person), [
    { path: 'mapping.fields.name.upgradeLegacyIdNumber', message: 'name is not an ID-number field' },
  ]);
});
