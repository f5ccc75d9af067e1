/**
 * A file whose content cannot be read as its format says (a malformed CSV line, a line that is not JSON, a corrupt
 * workbook, bytes invalid in the configured encoding). The task moves it to failed/. `message` names only the
 * position and the kind of problem, so it can be logged; `detail` may quote file content and goes only to the
 * reason file beside it.
 */
export class BrokenFileError extends Error {
  readonly detail: string | undefined;

  constructor(message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BrokenFileError';
    this.detail = options.detail;
  }
}

/**
 * An entry of the folder the gateway does not read at all: a symbolic link, a fifo, a socket, a device. The task
 * moves it (never what it points to) to failed/ unread; `message` says what it is.
 */
export class RefusedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedFileError';
  }
}

/** An operating-system error (a vanished file, a permission, a disk): about the environment, not the file's content. */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

/** The longest line or record read, so a missing quote or newline cannot pull a whole file into memory. */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/**
 * Field names from a header row: an empty header becomes `column_<n>` (1-based position) and a repeated one gets
 * `_2`, `_3`, ..., so no column silently overwrites another.
 */
export function fieldNames(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((raw, index) => {
    const base = raw === '' ? `column_${index + 1}` : raw;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}

export function toRecord(names: readonly string[], cells: readonly unknown[], empty: unknown): Record<string, unknown> {
  return Object.fromEntries(names.map((name, index) => [name, cells[index] ?? empty]));
}
