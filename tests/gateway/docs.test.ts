import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';

t.test('the OpenAPI 3 document lists the API routes with bearer security and Swagger UI is served', async (t) => {
  const { app } = await buildTestApp(t);
  const json = await app.inject({ url: '/docs/json' });
  t.equal(json.statusCode, 200);
  const document = json.json();
  t.match(document.openapi, /^3\./);
  t.ok(document.paths['/api/v1/principals']?.post, 'principal creation is documented');
  t.ok(document.paths['/readyz']?.get, 'readiness is documented');
  t.same(document.security, [{ apiKey: [] }]);
  const ui = await app.inject({ url: '/docs/' });
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger-ui/i);
});
