import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Installed, built or run-time folders: their files are not the project's documents.
const NOT_DOCUMENTS = new Set(['node_modules', 'build', 'lib', 'run']);

export interface MarkdownFile {
  /** Relative to the repository's root, with forward slashes. */
  path: string;
  absolute: string;
  text: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || NOT_DOCUMENTS.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Every Markdown document of the repository (README, docs/, bench/, schemas/, …). */
export function markdownFiles(under = ''): MarkdownFile[] {
  return walk(join(REPOSITORY_ROOT, under)).map((absolute) => ({
    path: relative(REPOSITORY_ROOT, absolute).split('\\').join('/'),
    absolute,
    text: readFileSync(absolute, 'utf8'),
  }));
}

/** The text without fenced code blocks and inline code, where brackets are code rather than links. */
export function proseOf(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}
