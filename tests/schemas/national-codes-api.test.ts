import t from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';

const KINDS = [
  'id-number-region-000000',
  'id-number-region-99',
  'credit-code-division-000000',
  'credit-code-division-990000',
  'licence-identifier-check-character',
  'licence-identifier-lower-case',
  'licence-identifier-missing-version',
  'licence-identifier-short-type-code',
];

t.test('records with a wrong region, division or licence identifier are refused through the API, each naming its field', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'GAJ', '公安局');
  const generator = createFixtureGenerator({ seed: 16 });
  for (const kind of KINDS) {
    const invalid = generator.invalid(kind);
    const response = await app.inject({ method: 'POST', url: '/api/v1/validate', headers: bearer(department.key), payload: { schema: invalid.schemaName, records: [invalid.record, generator.record(invalid.schemaName)] } });
    t.equal(response.statusCode, 200, kind);
    const body = response.json();
    t.match(body, { valid: 1, invalid: 1 }, `${kind}: only the corrupted record is refused`);
    t.match(body.results[0].errors, [{ path: invalid.expected.path, rule: invalid.expected.rule, message: String }], kind);
  }
  const region = generator.invalid('id-number-region-000000');
  const answer = await app.inject({ method: 'POST', url: '/api/v1/validate', headers: bearer(department.key), payload: { schema: 'population.person', records: [region.record] } });
  t.match(answer.json().results[0].errors[0].message, /province-level region code/);
  t.notOk(answer.body.includes(String(region.record['id_number'])), 'the ID number shows masked only');
});

t.test('revoked, withdrawn, changed and expired licences are accepted, an unknown status is not', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'SCJ', '市场监管局');
  const generator = createFixtureGenerator({ seed: 36_903 });
  const records = ['1', '2', '3', '4', '5', '6', '7'].map((status) => ({ ...generator.licence(), status }));
  const response = await app.inject({ method: 'POST', url: '/api/v1/validate', headers: bearer(department.key), payload: { schema: 'licence.licence', records } });
  t.equal(response.statusCode, 200);
  t.same(response.json().results.map((result: { valid: boolean }) => result.valid), [true, true, true, true, true, true, false]);
  t.match(response.json().results[6].errors, [{ path: 'status', rule: 'enum' }]);
});
