import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, rename, type FileHandle } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { EXTENSION_FORMATS, type FileFormat } from './config.ts';
import type { Glob } from './glob.ts';
import { RefusedFileError } from './rows.ts';

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

/** An entry the pattern matches that is not a regular file (a link, a fifo, a socket, a device): never read. */
export interface RefusedEntry {
  name: string;
  path: string;
  /** What it is, for the reason file: `a symbolic link`, `a fifo`, ... */
  kind: string;
}

export interface Listing {
  files: DroppedFile[];
  refused: RefusedEntry[];
}

function kindOf(entry: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isFIFO()) return 'a fifo (named pipe)';
  if (entry.isSocket()) return 'a socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

export function formatOf(name: string, override: FileFormat | undefined): FileFormat | undefined {
  return override ?? EXTENSION_FORMATS[extname(name).slice(1).toLowerCase()];
}

/** Dot files and office lock files (`~$name.xlsx`) are never data. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$');
}

const missingAsUndefined = (err: NodeJS.ErrnoException) => {
  if (err.code === 'ENOENT') return undefined;
  throw err;
};

/**
 * The regular files matching the pattern, oldest first (modification time, then name), and the matching entries
 * that are not regular files. Nothing here follows a link: entry types come from the listing and `lstat`.
 * Subfolders (done/ and failed/ among them) are neither read nor refused.
 */
export async function listFiles(directory: string, glob: Glob, override: FileFormat | undefined): Promise<Listing> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: DroppedFile[] = [];
  const refused: RefusedEntry[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() || ignored(entry.name) || !glob.matches(entry.name)) continue;
    const path = join(directory, entry.name);
    const stats = entry.isFile() ? await lstat(path).catch(missingAsUndefined) : undefined;
    if (stats?.isDirectory()) continue;
    if (!entry.isFile() || (stats !== undefined && !stats.isFile())) {
      refused.push({ name: entry.name, path, kind: kindOf(stats ?? entry) });
      continue;
    }
    const format = formatOf(entry.name, override);
    if (stats === undefined || format === undefined) continue;
    files.push({ name: entry.name, path, format, size: stats.size, mtimeMs: stats.mtimeMs, changedMs: Math.max(stats.mtimeMs, stats.ctimeMs) });
  }
  files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { files, refused };
}

/**
 * Opens a listed file for reading without following a link (`O_NOFOLLOW`) and without waiting on a fifo
 * (`O_NONBLOCK`), then checks the opened handle itself is a regular file, so an entry swapped for a link or a pipe
 * after it was listed is refused rather than read.
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new RefusedFileError('it is a symbolic link');
    throw err;
  }
  let stats: Stats;
  try {
    stats = await handle.stat();
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (!stats.isFile()) {
    await handle.close();
    throw new RefusedFileError(`it is ${kindOf(stats)}`);
  }
  return handle;
}

/** The watched folder held open for one read, and the path that reaches exactly the folder held. */
export interface PinnedFolder {
  path: string;
  close(): Promise<void>;
}

/**
 * Opens the folder (`O_NOFOLLOW`, so its last segment cannot be a link) and, where the system has /proc, works
 * through `/proc/self/fd/<fd>` from then on: every name is then resolved inside the folder that was opened, as
 * `openat` would, so swapping a segment of its path for a link mid-run changes nothing. The kernel's own account
 * of where the opened folder lies (`readlink` of that path) is what `verify` checks against the department's folder.
 * Without /proc, the real path is used, checked the same way.
 */
export async function pinFolder(real: string, verify: (located: string) => Promise<string>): Promise<PinnedFolder> {
  const handle = await open(real, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const pinned = `/proc/self/fd/${handle.fd}`;
    const located = await readlink(pinned).catch(() => undefined);
    await verify(located ?? real);
    return { path: located === undefined ? real : pinned, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function taken(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

/** The subfolder, made when missing; refused when something other than a real folder (a link) sits at its name. */
async function subfolderOf(directory: string, subfolder: string): Promise<string> {
  const folder = join(directory, subfolder);
  await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  if (!(await lstat(folder)).isDirectory()) throw Object.assign(new Error(`${folder} is not a folder (a link?); nothing is moved into it`), { code: 'ENOTDIR', syscall: 'lstat', path: folder });
  return folder;
}

/** A name in `folder` not taken yet: `name`, else `base.1.ext`, `base.2.ext`, ... so no earlier file is overwritten. */
async function freeName(folder: string, name: string): Promise<string> {
  if (!(await taken(join(folder, name)))) return name;
  const extension = extname(name);
  const base = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n++) {
    const candidate = `${base}.${n}${extension}`;
    if (!(await taken(join(folder, candidate)))) return candidate;
  }
}

/**
 * Moves an entry into a subfolder of its folder (a rename on the same file system, so the file is never half there;
 * a rename moves a link itself, never what it points to). Returns the name it got there.
 */
export async function moveInto(entry: { name: string; path: string }, directory: string, subfolder: string): Promise<string> {
  const folder = await subfolderOf(directory, subfolder);
  const target = await freeName(folder, entry.name);
  await rename(entry.path, join(folder, target));
  return target;
}

/** Moves a broken or refused entry to failed/ with `<name>.reason.txt` beside it saying why. */
export async function moveToFailed(entry: { name: string; path: string }, directory: string, reason: string): Promise<string> {
  const target = await moveInto(entry, directory, FAILED_FOLDER);
  // Created anew and never through a link, so a planted `x.reason.txt -> /somewhere` cannot be written through.
  const handle = await open(join(directory, FAILED_FOLDER, `${target}.reason.txt`), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
  try {
    await handle.writeFile(`${reason}\n`, 'utf8');
  } finally {
    await handle.close();
  }
  return target;
}
