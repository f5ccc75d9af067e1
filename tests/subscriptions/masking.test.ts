import t from 'tap';
import type { InformationItem } from '../../catalog/model.ts';
import { createProjection, maskPartial, projectKey, projectRecord, pseudonymise } from '../../gateway/subscriptions/masking.ts';

const KEY = Buffer.from('a subscription key of 32 bytes..');
const item = (canonicalField: string, masking: InformationItem['masking'], shareable = true): InformationItem => ({ name: canonicalField, canonicalField, dataType: 'string', sensitivity: 3, masking, shareable, description: null });

t.test('a partial mask keeps the region and check character of a citizen ID number', async (t) => {
  t.equal(maskPartial('id_number', '11010519491231002X'), '110105***********X');
  t.equal(maskPartial('legal_representative_id_number', '440524188001010014'), '440524***********4', 'whatever the field is called');
});

t.test('a partial mask keeps the registration, type and region characters of a credit code', async (t) => {
  t.equal(maskPartial('credit_code', '91350100M000100Y43'), '91350100*********3');
});

t.test('a partial mask keeps the first character of a name', async (t) => {
  t.equal(maskPartial('name', '张三丰'), '张**');
  t.equal(maskPartial('holder_name', '欧阳娜娜'), '欧***');
  t.equal(maskPartial('name', '李'), '*', 'a one-character name is all stars');
});

t.test('a partial mask keeps the year of a date and the first and last character of other text', async (t) => {
  t.equal(maskPartial('birth_date', '1990-05-12'), '1990-**-**');
  t.equal(maskPartial('registered_address', '北京市朝阳区建国路1号'), '北*********号');
  t.equal(maskPartial('sex', '1'), '*');
  t.equal(maskPartial('registered_capital', 1000), '1**0', 'numbers are masked as text');
  t.equal(maskPartial('name', null), null);
});

t.test('a pseudonym is stable under one key, differs under another, and is not the value', async (t) => {
  const first = pseudonymise(KEY, '11010519491231002X');
  t.match(first, /^[0-9a-f]{64}$/);
  t.equal(pseudonymise(KEY, '11010519491231002X'), first);
  t.not(pseudonymise(Buffer.from('another subscription key........'), '11010519491231002X'), first);
  t.equal(pseudonymise(KEY, null), null);
});

t.test('a projection delivers only approved, shareable, not dropped items, each under its rule', async (t) => {
  const items = [item('id_number', 'partial'), item('name', 'none'), item('ethnicity', 'pseudonym'), item('residential_address', 'drop'), item('id_card_issuing_authority', 'none', false), item('sex', 'none')];
  const projection = createProjection(items, ['id_number', 'name', 'ethnicity', 'residential_address', 'id_card_issuing_authority', 'not_an_item'], 'id_number', KEY);
  const record = projectRecord(projection, { id_number: '11010519491231002X', name: '张三', ethnicity: '01', residential_address: '某地', id_card_issuing_authority: '某局', sex: '1', extra: 'x' });
  t.same(record, { id_number: '110105***********X', name: '张三', ethnicity: pseudonymise(KEY, '01') });
});

t.test('an approved field missing from a record is delivered as null', async (t) => {
  const projection = createProjection([item('former_name', 'none')], ['former_name'], null, KEY);
  t.same(projectRecord(projection, {}), { former_name: null });
});

t.test('the key is masked as its field is, and pseudonymised when its field is not delivered as itself', async (t) => {
  const items = [item('id_number', 'partial'), item('name', 'none')];
  t.equal(projectKey(createProjection(items, ['id_number'], 'id_number', KEY), '11010519491231002X'), '110105***********X');
  t.equal(projectKey(createProjection([item('id_number', 'none')], ['id_number'], 'id_number', KEY), '11010519491231002X'), '11010519491231002X');
  t.equal(projectKey(createProjection(items, ['name'], 'id_number', KEY), '11010519491231002X'), pseudonymise(KEY, '11010519491231002X'), 'not approved');
  t.equal(projectKey(createProjection([item('id_number', 'drop')], ['id_number'], 'id_number', KEY), '11010519491231002X'), pseudonymise(KEY, '11010519491231002X'), 'dropped');
  t.equal(projectKey(createProjection(items, ['name'], null, KEY), null), null);
});
