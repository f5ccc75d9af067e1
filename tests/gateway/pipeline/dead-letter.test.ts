import t from 'tap';
import { clearSourceFields, maskIdentifiers, redactErrors, redactOffset, redactSource } from '../../../gateway/pipeline/encode/dead-letter.ts';

t.test('ID numbers and credit codes are masked wherever they appear, other digits are left alone', async (t) => {
  t.equal(maskIdentifiers('11010519491231002X'), '110105***********X');
  t.equal(maskIdentifiers('旧证 110105491231002 已换'), '旧证 110105********2 已换', 'a 15-digit ID number inside text');
  t.equal(maskIdentifiers('91350100M000100Y43'), '91350100*********3');
  t.equal(maskIdentifiers('电话 13912345678，订单 2026112512345678901234'), '电话 13912345678，订单 2026112512345678901234', 'an 11-digit phone and a longer number are not ID numbers');
});

t.test('a source keeps only its clear fields, masked; identifiers elsewhere are masked, the rest redacted', async (t) => {
  const source = { sfzh: '11010519491231002X', xb: '男', bz: '监护人 110105194912310025', note: { a: 1 }, n: 110105491231002, empty: null, flag: true };
  t.same(redactSource(source, new Set(['xb', 'bz', 'flag'])), { sfzh: '110105***********X', xb: '男', bz: '监护人 110105***********5', note: '***', n: '110105********2', empty: null, flag: true });
});

t.test('quoted values in reasons are redacted, and an offset holding an ID number is masked', async (t) => {
  t.same(redactErrors([{ path: 'birth_date', rule: 'mapping.date', message: '"19491301" is not a date in the form YYYYMMDD' }]), [{ path: 'birth_date', rule: 'mapping.date', message: '"***" is not a date in the form YYYYMMDD' }]);
  t.equal(redactOffset('{"cursor":"2026-11-25","key":42}'), null, 'an ordinary offset is kept as it is');
  t.same(redactOffset('{"key":"11010519491231002X"}'), { json: '{"key":"110105***********X"}', value: { key: '110105***********X' } });
});

t.test('a source field is clear only when every canonical field it feeds is an item of level 1 or 2', async (t) => {
  const mapping = { fields: { sex: { from: 'xb' }, name: 'xm', ethnicity: 'mz', registered_division_code: 'mz', id_number: 'sfzh', former_name: 'cym', nationality: { const: '156' } } };
  const items = [
    { canonicalField: 'sex', sensitivity: 1 },
    { canonicalField: 'name', sensitivity: 3 },
    { canonicalField: 'ethnicity', sensitivity: 2 },
    { canonicalField: 'registered_division_code', sensitivity: 3 },
    { canonicalField: 'id_number', sensitivity: 4 },
    { canonicalField: null, sensitivity: 1 },
  ];
  t.same(clearSourceFields(mapping, items), ['xb'], 'mz also feeds a level-3 item; cym has no item');
});
