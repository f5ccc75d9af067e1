import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A department code that is one plain path segment: no separator, no dot segment, nothing the shell or NTFS reads. */
const SAFE_SEGMENT = /^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$/;

function inside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path === '' || (path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path));
}

/**
 * The path with every link resolved. A folder that does not exist yet resolves through its nearest existing
 * ancestor, with the missing segments appended (they cannot be links while they do not exist).
 */
async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) throw err;
      missing.push(basename(current));
    }
  }
}

export function departmentFolder(root: string, departmentCode: string): string {
  if (!SAFE_SEGMENT.test(departmentCode)) throw new Error(`department code ${JSON.stringify(departmentCode)} is not a safe folder name`);
  return join(resolve(root), departmentCode);
}

/**
 * Checks a file-drop folder against the rule that each department watches only folders under
 * `<root>/<departmentCode>/`, both sides with their links resolved, and answers the folder's real path, which is
 * the one to work in. `.` and `..` segments are refused outright: the kernel applies `..` after following a link,
 * so a lexically harmless `own/link/..` can lead anywhere. Throws an Error saying why, naming no other folder.
 */
export async function resolveDropFolder(root: string, departmentCode: string, directory: string): Promise<string> {
  const own = departmentFolder(root, departmentCode);
  const rule = `must be inside the department's folder ${own} (DX_FILE_DROP_ROOT/${departmentCode}) of the drop root`;
  if (!isAbsolute(directory) || directory.split(/[\\/]/).some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`${rule}, as an absolute path without . or .. segments`);
  }
  let real: string;
  let realOwn: string;
  try {
    [real, realOwn] = await Promise.all([realPathOf(resolve(directory)), realPathOf(own)]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${rule}; its path could not be resolved (${code ?? (err as Error).message})`);
  }
  // Written as configured or as its real path (the drop root itself may lie behind a link the operator made).
  if (!inside(own, resolve(directory)) && !inside(realOwn, resolve(directory))) throw new Error(rule);
  if (!inside(realOwn, real)) throw new Error(`${rule}, once links are resolved`);
  return real;
}
