import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { markdownFiles } from './markdown-files.ts';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/** Every `METHOD /path` written in docs/, as `GET /api/v1/connectors/{id}`; a query string or punctuation ends the path. */
function describedRoutes(): Set<string> {
  const routes = new Set<string>();
  for (const file of markdownFiles('docs')) {
    for (const [, method, path] of file.text.matchAll(/\b(GET|POST|PUT|DELETE|PATCH)\s+(\/[^\s`'"|,;)?#]*)/g)) {
      routes.add(`${method} ${(path as string).replace(/[.:]+$/, '')}`);
    }
  }
  return routes;
}

const { app } = await buildTestApp(t);

t.test('every route of the OpenAPI document is described in docs/ with its method and full path', async (t) => {
  const document = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  t.ok(routes.length > 50, `the document lists the API (${routes.length} routes)`);
  const described = describedRoutes();
  t.same(
    routes.filter((route) => !described.has(route)),
    [],
    'routes missing from docs/ (write each as `METHOD /full/path` in the page of its subject)',
  );
});

t.test('every route written in docs/ is a route of the gateway, so no page describes one that is gone', async (t) => {
  const unknown = [...describedRoutes()].filter((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return !app.hasRoute({ method: method as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') });
  });
  t.same(unknown, [], 'routes described in docs/ that the gateway does not have');
});
