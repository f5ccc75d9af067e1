import t from 'tap';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { embeddedOrganisationCode } from '../../schemas/formats/credit-code-warnings.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { departmentPushConnector } from '../helpers/push-connector.ts';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';

t.test("a connector's rejected-records view shows its data-quality warnings with their count", async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const mapping = { fields: { credit_code: 'tyshxydm', name: 'qymc', organisation_code: 'zzjgdm' } };
  const { department, connectorId } = await departmentPushConnector(app, adminKey, { departmentCode: 'SCJ', departmentName: '市场监管局', schema: 'legal-person.organisation', mapping, topicPrefix: 'ui-warn' });
  const fixtures = createFixtureGenerator({ seed: 61 });
  const [company, other] = [fixtures.organisation(), fixtures.organisation()];
  const pushed = await app.inject({ method: 'POST', url: `/api/v1/ingest/${connectorId}`, headers: bearer(department.key), payload: [{ tyshxydm: company.credit_code, qymc: company.name, zzjgdm: embeddedOrganisationCode(other.credit_code) }] });
  t.match(pushed.json(), { accepted: 1, rejected: 0 });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const { page, errors } = await openBrowser(t, baseUrl);
  await signIn(page, baseUrl, department.key);
  await page.goto(`${baseUrl}/ui/#/connectors/${connectorId}/rejected`);
  await rendered(page, /rejected$/);
  t.equal(await page.locator('.warnings-total').getAttribute('data-warned'), '1');
  t.match(await textWhen(page, '.warnings-table', /x-organisation-code-match/), /organisation_code.*x-organisation-code-match/);
  t.notMatch(await page.locator('.warnings').textContent(), new RegExp(company.credit_code), 'the view names no identifier');
  t.same(errors, []);
});
