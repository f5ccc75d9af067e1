import { randomUUID } from 'node:crypto';
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { createIntegrator } from '../helpers/department.ts';
import { peerUp, registerPeer, shareWith, startGateway } from '../helpers/federation.ts';
import { topicResourceBody } from '../helpers/resource.ts';
import { openBrowser, rendered, signIn, textWhen } from './browser.ts';

t.test('the catalogue shows a harvested resource with its origin badge and facet; its page links to the original, read-only', async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  const county = await startGateway(t, '330110', '余杭区平台');
  const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);
  const body = { ...topicResourceBody('YHMZ', `dx.test.ui.${randomUUID()}`, '婚姻登记'), schemaSubject: 'population.person-value', items: [{ name: '姓名', canonicalField: 'name', dataType: 'string', sensitivity: 3, masking: 'partial', shareable: true }] };
  const created = await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: body });
  await shareWith(county.app, county.adminKey, cityAtCounty, created.json().id);
  t.equal((await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) })).statusCode, 200);

  const { page, outside, errors, screenshot } = await openBrowser(t, city.url);
  await signIn(page, city.url, city.adminKey);
  t.match(await textWhen(page, '.results-count', /共 4 条/), /共 4 条/, 'three base resources and the harvested one');
  const harvested = page.locator('.result-list > li.harvested');
  t.equal(await harvested.count(), 1);
  t.equal(await harvested.locator('.origin-badge').textContent(), '来源：余杭区平台');
  t.equal(await page.locator('fieldset[data-facet="origin"] legend').textContent(), '来源平台');
  await page.getByRole('checkbox', { name: '余杭区平台 (1)' }).check();
  t.match(await textWhen(page, '.results-count', /共 1 条/), /共 1 条/, 'the origin facet narrows the list');
  await screenshot('catalogue-harvested');

  await page.getByRole('link', { name: '婚姻登记' }).click();
  await rendered(page, /#\/resources\//);
  await page.getByRole('heading', { level: 1, name: '婚姻登记' }).waitFor();
  t.match(await page.locator('.read-only').textContent(), /采集自余杭区平台，在本平台只读/);
  t.ok((await page.locator('a.original-link').getAttribute('href'))?.startsWith(county.url), "links to the peer's original");
  t.equal(await page.locator('.lineage-diagram, [aria-labelledby="stats-heading"]').count(), 0, 'no local-only sections');
  t.equal(await page.locator('.request-form').count(), 0, 'the data office does not request');
  await screenshot('resource-harvested');

  const integrator = await createIntegrator(city.app, city.adminKey, '市民政一网通办');
  const second = await openBrowser(t, city.url);
  await signIn(second.page, city.url, integrator.key);
  await second.page.goto(`${city.url}/ui/${page.url().slice(page.url().indexOf('#'))}`);
  await second.page.locator('.request-form').waitFor();
  t.equal(await second.page.getByRole('button', { name: '提交申请' }).count(), 1, 'an integrator requests it from its page');

  t.same([...outside, ...second.outside], [], 'the page asks nothing of the internet');
  t.same([...errors, ...second.errors], []);
});

t.test("a peer's dataset IRI that is not a web address is shown, never linked", async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  const county = await startGateway(t, '330110', '余杭区平台');
  const body = { ...topicResourceBody('YHMZ', `dx.test.ui.${randomUUID()}`, '婚姻登记'), schemaSubject: 'population.person-value', items: [{ name: '姓名', canonicalField: 'name', dataType: 'string', sensitivity: 3, masking: 'partial', shareable: true }] };
  const created = (await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: body })).json();
  // A hostile peer: the county's answers, with its dataset IRI turned into a script address.
  const datasetIri = new RegExp(`"http://[^"]*/api/v1/catalog/resources/${created.id}"`, 'g');
  const hostile = createServer((request, response) => {
    const upstream = forward({ host: '127.0.0.1', port: new URL(county.url).port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').replace(datasetIri, '"javascript:alert(1)"');
        response.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' }).end(text);
      });
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => hostile.close(resolve)));
  const countyAtCity = (await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: { ...county.instance, baseUrl: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}` } })).json().id as string;
  const cityAtCounty = await registerPeer(county, city);
  t.equal((await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/handshake`, headers: bearer(city.adminKey) })).statusCode, 200);
  await shareWith(county.app, county.adminKey, cityAtCounty, created.id);
  t.equal((await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) })).statusCode, 200);
  const harvested = (await city.app.inject({ url: '/api/v1/catalog/resources?origin=330110', headers: bearer(city.adminKey) })).json().items[0];
  t.equal(harvested?.origin.originalUrl, 'javascript:alert(1)', 'the hostile IRI was harvested as sent');

  const { page, errors } = await openBrowser(t, city.url);
  await signIn(page, city.url, city.adminKey);
  await page.goto(`${city.url}/ui/#/resources/${harvested.id}`);
  await page.getByRole('heading', { level: 1, name: '婚姻登记' }).waitFor();
  t.equal(await page.locator('a.original-link').count(), 0, 'no link');
  t.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  t.match(await page.locator('.resource-header').textContent(), /javascript:alert\(1\)/, 'the IRI is shown as text');
  t.same(errors, []);
});
