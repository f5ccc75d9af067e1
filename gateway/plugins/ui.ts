import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { projectPath } from '../../project-root.ts';
import { dxError } from '../errors.ts';

export interface UiOptions {
  /** Folder of the pages; default catalog/ui. */
  root?: string;
}

export const UI_PREFIX = '/ui/';
const DEFAULT_ROOT = projectPath('catalog', 'ui');

/** Only files of these types are served; anything else in the folder stays private. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Everything the pages load comes from the gateway itself: the intranet has no internet, and no inline script runs. */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Reads the folder once: a request can only name a file found here, so no path (`..`, encoded or not) reaches the disk. */
function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path, `${prefix}${entry.name}/`);
        continue;
      }
      const type = CONTENT_TYPES[extname(entry.name)];
      if (!entry.isFile() || type === undefined) continue;
      const body = readFileSync(path);
      assets.set(`${prefix}${entry.name}`, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
    }
  };
  walk(root, '');
  return assets;
}

/**
 * The web UI at /ui/: plain ES modules, CSS and SVG from catalog/ui, loaded into memory when the gateway starts
 * (a changed file needs a restart). Unauthenticated like any static page; every call the pages make goes to
 * /api/v1 with the API key the user signed in with. Answers 304 to a matching If-None-Match.
 */
async function uiPlugin(app: FastifyInstance, options: UiOptions): Promise<void> {
  const assets = loadAssets(options.root ?? DEFAULT_ROOT);
  if (!assets.has('index.html')) throw new Error(`the web UI has no index.html in ${options.root ?? DEFAULT_ROOT}`);

  function send(request: FastifyRequest, reply: FastifyReply, name: string) {
    const asset = assets.get(name);
    if (asset === undefined) throw dxError('DX_ERR_NOT_FOUND', { message: `No file ${UI_PREFIX}${name}` });
    reply.headers({ ...UI_SECURITY_HEADERS, 'cache-control': 'no-cache', etag: asset.etag });
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.type(asset.type).send(asset.body);
  }

  app.get('/ui', { schema: { hide: true } }, async (_request, reply) => reply.redirect(UI_PREFIX, 301));
  app.get(UI_PREFIX, { schema: { hide: true } }, async (request, reply) => send(request, reply, 'index.html'));
  app.get<{ Params: { '*': string } }>(`${UI_PREFIX}*`, { schema: { hide: true } }, async (request, reply) => send(request, reply, request.params['*']));
}

export default fp(uiPlugin, { name: 'dx-ui' });
