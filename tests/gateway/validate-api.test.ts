import t from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer, buildTestApp, type TestApp } from '../helpers/app.ts';

async function keyOf(testApp: TestApp, payload: Record<string, unknown>): Promise<string> {
  const { app, adminKey } = testApp;
  const principal = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload })).json();
  return (await app.inject({ method: 'POST', url: `/api/v1/principals/${principal.id}/keys`, headers: bearer(adminKey), payload: {} })).json().key;
}

function validate(testApp: TestApp, key: string, payload: unknown) {
  return testApp.app.inject({ method: 'POST', url: '/api/v1/validate', headers: bearer(key), payload: payload as object });
}

t.test('a department learns which person records are valid and, for the others, which field broke which rule', async (t) => {
  const testApp = await buildTestApp(t);
  const key = await keyOf(testApp, { kind: 'department', name: '公安局', departmentCode: 'GAJ' });
  const generator = createFixtureGenerator({ seed: 21 });
  const badCheck = generator.invalid('id-number-check-character');
  const missingName = generator.invalid('missing-name');
  const response = await validate(testApp, key, { schema: 'population.person', records: [generator.person(), badCheck.record, missingName.record, generator.person()] });
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.equal(body.valid, 2);
  t.equal(body.invalid, 2);
  t.same(body.results.map((result: { index: number; valid: boolean }) => [result.index, result.valid]), [[0, true], [1, false], [2, false], [3, true]]);
  t.same(body.results[0].errors, []);
  t.match(body.results[1].errors, [{ path: badCheck.expected.path, rule: badCheck.expected.rule, message: String }]);
  t.match(body.results[2].errors, [{ path: missingName.expected.path, rule: missingName.expected.rule, message: /name is required/ }]);
  t.notOk(response.body.includes(String(badCheck.record['id_number'])), 'the answer shows ID numbers masked only');
});

t.test('integrators and the data office may validate too', async (t) => {
  const testApp = await buildTestApp(t);
  const integrator = await keyOf(testApp, { kind: 'integrator', name: '一网通办' });
  const organisation = createFixtureGenerator({ seed: 22 }).organisation();
  for (const key of [integrator, testApp.adminKey]) {
    const response = await validate(testApp, key, { schema: 'legal-person.organisation', records: [organisation] });
    t.equal(response.statusCode, 200);
    t.match(response.json(), { valid: 1, invalid: 0 });
  }
});

t.test('a record that is not an object is reported invalid, not refused', async (t) => {
  const testApp = await buildTestApp(t);
  const response = await validate(testApp, testApp.adminKey, { schema: 'licence.licence', records: ['text', null] });
  t.equal(response.statusCode, 200);
  t.match(response.json(), { valid: 0, invalid: 2, results: [{ index: 0, valid: false, errors: [{ path: '', rule: 'type' }] }, { index: 1, valid: false }] });
});

t.test('an unknown schema name is refused with 400 naming the schema field', async (t) => {
  const testApp = await buildTestApp(t);
  const response = await validate(testApp, testApp.adminKey, { schema: 'population.pets', records: [{}] });
  t.equal(response.statusCode, 400);
  t.equal(response.json().code, 'DX_ERR_REQUEST_INVALID');
  t.match(response.json().details, [{ path: 'schema', message: /population\.person/ }]);
});

t.test('more than 1000 records are refused with 400 naming the records field, 1000 are checked', async (t) => {
  const testApp = await buildTestApp(t);
  const refused = await validate(testApp, testApp.adminKey, { schema: 'population.person', records: Array.from({ length: 1001 }, () => ({})) });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().details, [{ path: 'records' }]);
  const generator = createFixtureGenerator({ seed: 23 });
  const accepted = await validate(testApp, testApp.adminKey, { schema: 'population.person', records: Array.from({ length: 1000 }, () => generator.person()) });
  t.equal(accepted.statusCode, 200);
  t.match(accepted.json(), { valid: 1000, invalid: 0 });
});

t.test('validating needs an API key', async (t) => {
  const testApp = await buildTestApp(t);
  const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/validate', payload: { schema: 'population.person', records: [{}] } });
  t.equal(response.statusCode, 401);
});
