import { constants } from 'node:fs';
import { access, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { EXTENSION_FORMATS, type FileFormat } from './config.ts';

export const DONE_FOLDER = 'done';
export const FAILED_FOLDER = 'failed';

/** A file waiting in the folder, as seen when the folder was listed. */
export interface DroppedFile {
  name: string;
  path: string;
  format: FileFormat;
  size: number;
  mtimeMs: number;
  /** The last time its content, name or metadata changed: the later of mtime and ctime. */
  changedMs: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `*`, `?` and `{a,b}` over one file name, case-insensitive; everything else is literal. */
export function compileGlob(pattern: string): RegExp {
  let source = '';
  let depth = 0;
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '{') {
      depth += 1;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      source += ')';
    } else if (char === ',' && depth > 0) source += '|';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}${')'.repeat(depth)}$`, 'is');
}

/**
 * The extensions a pattern can match when its last `.segment` is literal (`*.csv`, `*.{csv,xlsx}`), or undefined
 * when it could match any (`*`, `export_*`, `*.c*`).
 */
export function literalExtensions(pattern: string): string[] | undefined {
  const dot = pattern.lastIndexOf('.');
  if (dot < 0) return undefined;
  const extension = pattern.slice(dot + 1).toLowerCase();
  const alternatives = /^\{([^{}*?]*)\}$/.exec(extension);
  if (alternatives) return (alternatives[1] ?? '').split(',');
  return /[*?{},]/.test(extension) ? undefined : [extension];
}

export function formatOf(name: string, override: FileFormat | undefined): FileFormat | undefined {
  return override ?? EXTENSION_FORMATS[extname(name).slice(1).toLowerCase()];
}

/** Dot files and office lock files (`~$name.xlsx`) are never data. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$');
}

/** The readable files matching the pattern, oldest first (modification time, then name). */
export async function listFiles(directory: string, glob: RegExp, override: FileFormat | undefined): Promise<DroppedFile[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: DroppedFile[] = [];
  for (const entry of entries) {
    if (!(entry.isFile() || entry.isSymbolicLink()) || ignored(entry.name) || !glob.test(entry.name)) continue;
    const format = formatOf(entry.name, override);
    if (format === undefined) continue;
    const path = join(directory, entry.name);
    const stats = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!stats?.isFile()) continue;
    files.push({ name: entry.name, path, format, size: stats.size, mtimeMs: stats.mtimeMs, changedMs: Math.max(stats.mtimeMs, stats.ctimeMs) });
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}

/** A name in `folder` not taken yet: `name`, else `base.1.ext`, `base.2.ext`, ... so no earlier file is overwritten. */
async function freeName(folder: string, name: string): Promise<string> {
  if (!(await exists(join(folder, name)))) return name;
  const extension = extname(name);
  const base = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n++) {
    const candidate = `${base}.${n}${extension}`;
    if (!(await exists(join(folder, candidate)))) return candidate;
  }
}

/**
 * Moves a file into a subfolder of its folder (a rename on the same file system, so the file is never half there).
 * Returns the name it got there.
 */
export async function moveInto(file: DroppedFile, directory: string, subfolder: string): Promise<string> {
  const folder = join(directory, subfolder);
  await mkdir(folder, { recursive: true });
  const target = await freeName(folder, file.name);
  await rename(file.path, join(folder, target));
  return target;
}

/** Moves a broken file to failed/ with `<name>.reason.txt` beside it saying why. */
export async function moveToFailed(file: DroppedFile, directory: string, reason: string): Promise<string> {
  const target = await moveInto(file, directory, FAILED_FOLDER);
  await writeFile(join(directory, FAILED_FOLDER, `${target}.reason.txt`), `${reason}\n`, 'utf8');
  return target;
}
