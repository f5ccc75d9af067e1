import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import t from 'tap';
import errorHandler from '../../gateway/plugins/error-handler.ts';
import uiPlugin from '../../gateway/plugins/ui.ts';

const UI_ROOT = fileURLToPath(new URL('../../catalog/ui/', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

async function uiApp(t: { teardown(fn: () => unknown): void }) {
  const app = Fastify();
  await app.register(errorHandler);
  await app.register(uiPlugin);
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

t.test('the page, its scripts and styles are served with their content types and a strict content security policy', async (t) => {
  const app = await uiApp(t);
  const page = await app.inject({ url: '/ui/' });
  t.equal(page.statusCode, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.match(page.headers['content-security-policy'], /default-src 'self'; script-src 'self'/);
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.match(page.body, /<script type="module" src="app.js">/);
  t.equal((await app.inject({ url: '/ui/app.js' })).headers['content-type'], 'text/javascript; charset=utf-8');
  t.equal((await app.inject({ url: '/ui/i18n/zh.js' })).headers['content-type'], 'text/javascript; charset=utf-8');
  t.equal((await app.inject({ url: '/ui/style.css' })).headers['content-type'], 'text/css; charset=utf-8');
  t.equal((await app.inject({ url: '/ui/favicon.svg' })).headers['content-type'], 'image/svg+xml');
});

t.test('/ui redirects to /ui/', async (t) => {
  const app = await uiApp(t);
  const response = await app.inject({ url: '/ui' });
  t.equal(response.statusCode, 301);
  t.equal(response.headers.location, '/ui/');
});

t.test('an unchanged file is answered 304 to its ETag', async (t) => {
  const app = await uiApp(t);
  const first = await app.inject({ url: '/ui/app.js' });
  t.equal(first.headers['cache-control'], 'no-cache');
  const again = await app.inject({ url: '/ui/app.js', headers: { 'if-none-match': String(first.headers.etag) } });
  t.equal(again.statusCode, 304);
  t.equal(again.body, '');
});

t.test('no path outside the UI folder is served, however it is spelled', async (t) => {
  const app = await uiApp(t);
  for (const url of ['/ui/../package.json', '/ui/..%2f..%2fpackage.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/i18n/../../../package.json', '/ui//etc/passwd', '/ui/missing.js', '/ui/i18n']) {
    const response = await app.inject({ url });
    t.not(response.statusCode, 200, url);
    t.notMatch(response.body, /"dependencies"|root:/, url);
  }
  t.equal((await app.inject({ url: '/ui/nope.js' })).json().code, 'DX_ERR_NOT_FOUND');
});

t.test('every asset is local: no page, script or style refers to another host', async (t) => {
  for (const file of filesUnder(UI_ROOT)) {
    // The SVG namespace is a name, not an address anything is fetched from.
    const text = readFileSync(file, 'utf8').replaceAll('http://www.w3.org/2000/svg', '');
    t.notMatch(text, /https?:\/\/|\/\/[a-z0-9-]+\.[a-z]{2,}\/|@import\s+url|fonts\.googleapis/i, relative(UI_ROOT, file));
  }
});

t.test('the Chinese and English dictionaries have the same keys and the same placeholders', async (t) => {
  const load = async (name: string): Promise<Record<string, string>> => ((await import(pathToFileURL(join(UI_ROOT, 'i18n', name)).href)) as { default: Record<string, string> }).default;
  const [zh, en] = await Promise.all([load('zh.js'), load('en.js')]);
  t.same(Object.keys(en).sort(), Object.keys(zh).sort());
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
  for (const [key, text] of Object.entries(zh)) t.same(placeholders(en[key] ?? ''), placeholders(text), key);
});

t.test('every string key the pages use is in the dictionary', async (t) => {
  const zh = ((await import(pathToFileURL(join(UI_ROOT, 'i18n', 'zh.js')).href)) as { default: Record<string, string> }).default;
  const sources = filesUnder(UI_ROOT).filter((file) => file.endsWith('.js') && !file.includes(`${join('ui', 'i18n')}`));
  const used = new Set(sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9.-]+)'/g)].map((match) => match[1] as string)));
  t.ok(used.size > 100, `${used.size} keys found`);
  for (const key of used) t.ok(Object.hasOwn(zh, key), key);
});
