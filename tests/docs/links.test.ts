import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import t from 'tap';
import { markdownFiles, proseOf, REPOSITORY_ROOT } from './markdown-files.ts';

const isOutside = (absolute: string) => relative(REPOSITORY_ROOT, absolute).startsWith('..');

/**
 * Pages written on other branches at the same time, linked already; each entry must go once its page is merged
 * (the last test fails until it does), so a link to a page that never came cannot hide here.
 */
const AWAITED_PAGES: string[] = [];
const awaited = (absolute: string) => AWAITED_PAGES.some((page) => resolve(REPOSITORY_ROOT, page) === absolute);

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(absolute: string): Set<string> {
  const headings = proseOf(readFileSync(absolute, 'utf8').replace(/`([^`\n]*)`/g, '$1')).matchAll(/^#{1,6}\s+(.+)$/gm);
  return new Set([...headings].map(([, heading]) => (heading as string).trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
}

t.test('every relative link of every Markdown document resolves to a file or folder of the repository, and to a heading of it', async (t) => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    for (const [, target] of proseOf(file.text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (target === undefined || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const [pathPart, anchor] = target.split('#') as [string, string | undefined];
      const path = decodeURIComponent(pathPart);
      const absolute = path.startsWith('/') ? resolve(REPOSITORY_ROOT, `.${path}`) : resolve(dirname(file.absolute), path);
      if (isOutside(absolute) || (!existsSync(absolute) && !awaited(absolute))) broken.push(`${file.path}: ${target}`);
      else if (anchor && existsSync(absolute) && statSync(absolute).isFile() && !anchorsOf(absolute).has(anchor)) broken.push(`${file.path}: ${target} (no such heading)`);
    }
  }
  t.same(broken, [], 'links that do not resolve inside the repository');
});

t.test('no Markdown document refers to a path outside the repository', async (t) => {
  const outside: string[] = [];
  for (const file of markdownFiles()) {
    for (const [path] of file.text.matchAll(/(?:\.\.\/)+[\w.-]+(?:\/[\w.-]+)*/g)) {
      if (isOutside(resolve(dirname(file.absolute), path))) outside.push(`${file.path}: ${path}`);
    }
  }
  t.same(outside, [], 'paths that leave the repository (a clone has nothing there)');
});

t.test('every page awaited from another branch is still missing, so its entry is not stale', async (t) => {
  t.same(AWAITED_PAGES.filter((page) => existsSync(resolve(REPOSITORY_ROOT, page))), [], 'merged pages to remove from AWAITED_PAGES');
});
