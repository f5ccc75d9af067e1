import t from 'tap';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { embeddedOrganisationCode } from '../../../schemas/formats/credit-code-warnings.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { departmentPushConnector } from '../../helpers/push-connector.ts';

const MAPPING = { fields: { credit_code: '统一社会信用代码', name: '企业名称', organisation_code: '组织机构代码' } };

async function organisationPush(t: Parameters<typeof buildTestApp>[0]) {
  const testApp = await buildTestApp(t);
  const pushing = await departmentPushConnector(testApp.app, testApp.adminKey, { departmentCode: 'SCJ', departmentName: '市场监管局', schema: 'legal-person.organisation', mapping: MAPPING, topicPrefix: 'org-warn' });
  return { ...testApp, ...pushing };
}

/** Another valid organisation's code: a mismatch a real register can hold. */
function mismatching(creditCode: string, other: string): string {
  if (embeddedOrganisationCode(other) === embeddedOrganisationCode(creditCode)) throw new Error('the fixtures gave the same organisation code twice');
  return embeddedOrganisationCode(other);
}

t.test('a pushed record whose organisation_code differs from its credit code is published with a warning, counted for its connector', async (t) => {
  const { app, department, topic, connectorId } = await organisationPush(t);
  const fixtures = createFixtureGenerator({ seed: 16 });
  const [first, second, third] = [fixtures.organisation(), fixtures.organisation(), fixtures.organisation()];
  const records = [
    { 统一社会信用代码: first.credit_code, 企业名称: first.name, 组织机构代码: mismatching(first.credit_code, second.credit_code) },
    { 统一社会信用代码: third.credit_code, 企业名称: third.name, 组织机构代码: embeddedOrganisationCode(third.credit_code) },
  ];
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(department.key), payload: records });
  t.equal(pushed.statusCode, 202, pushed.body);
  t.match(pushed.json(), { accepted: 2, rejected: 0 }, 'a soft rule broken is not a rejection');

  const onTopic = await consumeTopic(topic, 2);
  t.equal(onTopic.length, 2);
  const warned = onTopic.find((message) => message.key === first.credit_code);
  const clean = onTopic.find((message) => message.key === third.credit_code);
  t.same(JSON.parse(warned?.headers['dx-warnings'] ?? 'null'), [{ rule: 'x-organisation-code-match', path: 'organisation_code' }], 'the warning travels with the record');
  t.equal(clean?.headers['dx-warnings'], undefined, 'a record breaking no soft rule carries no warning');

  const status = (await app.inject({ url: `/api/v1/connectors/${connectorId}/status`, headers: bearer(department.key) })).json();
  t.match(status.totals, { read: 2, published: 2, rejected: 0, warned: 1 });
  const listed = await app.inject({ url: `/api/v1/connectors/${connectorId}/warnings`, headers: bearer(department.key) });
  t.equal(listed.statusCode, 200, listed.body);
  t.match(listed.json(), { total: 1, byRule: { 'x-organisation-code-match': 1 }, items: [{ partition: 'push', warnings: [{ rule: 'x-organisation-code-match', path: 'organisation_code' }] }] });
  t.notOk(listed.body.includes(first.credit_code), 'the view names no identifier');

  await app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(department.key), payload: records.slice(0, 1) });
  const again = (await app.inject({ url: `/api/v1/connectors/${connectorId}/status`, headers: bearer(department.key) })).json();
  t.equal(again.totals.warned, 2, 'the count grows with each warned record');
});

t.test("another department may not read a connector's warnings", async (t) => {
  const { app, adminKey, connectorId } = await organisationPush(t);
  const other = await createDepartment(app, adminKey, 'MZJ', '市民政局');
  const response = await app.inject({ url: `/api/v1/connectors/${connectorId}/warnings`, headers: bearer(other.key) });
  t.equal(response.statusCode, 404);
  t.equal(response.json().code, 'DX_ERR_CONNECTOR_NOT_FOUND');
});
