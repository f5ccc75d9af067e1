import Fastify from 'fastify';
import fp from 'fastify-plugin';
import t from 'tap';
import authPlugin from '../../gateway/plugins/auth.ts';
import { buildTestApp } from '../helpers/app.ts';

t.test('every documented /api/v1 route refuses a caller without a key', async (t) => {
  const { app } = await buildTestApp(t);
  const document = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })));
  t.ok(routes.length >= 8, `${routes.length} API routes are documented`);
  for (const route of routes) {
    const response = await app.inject({ method: route.method as 'GET', url: route.url, payload: route.method === 'GET' ? undefined : {} });
    t.equal(response.statusCode, 401, `${route.method} ${route.url}`);
  }
});

t.test('registering an /api/v1 route without an access rule fails at start-up', async (t) => {
  const app = Fastify();
  await app.register(fp(async (instance) => {
    instance.decorate('db', {} as never);
  }, { name: 'dx-db' }));
  await app.register(authPlugin, { cacheMs: 0 });
  t.throws(() => app.get('/api/v1/unguarded', async () => 'secret'), /has no access rule/);
  t.throws(() => app.get('/api/v1/misnamed', { config: { action: 'nope' as never } }, async () => 'secret'), /has no access rule/);
  t.doesNotThrow(() => app.get('/public/ping', async () => 'pong'));
  await app.close();
});
