import { constants } from 'node:fs';
import { access, lstat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, ConnectorContext, ConnectorTask, JsonValue, SourceRecord } from '../types.ts';
import { DEFAULT_PATTERN, DEFAULT_SETTLE_MS, type FileDropConfig } from './config.ts';
import { readCsv, type CsvOptions } from './csv.ts';
import { DONE_FOLDER, FAILED_FOLDER, listFiles, moveInto, moveToFailed, openRegularFile, pinFolder, type DroppedFile, type PinnedFolder, type RefusedEntry } from './folder.ts';
import { compileGlob } from './glob.ts';
import { readJsonLines } from './jsonl.ts';
import { BrokenFileError, isSystemError, RefusedFileError } from './rows.ts';

interface CommittedPosition {
  row: number;
  /** The size the file had when this row was read as its last; undefined when rows may follow. */
  endSize: number | undefined;
}

function committedPosition(offset: JsonValue | undefined): CommittedPosition | undefined {
  if (typeof offset !== 'object' || offset === null || Array.isArray(offset)) return undefined;
  const { row, eof, size } = offset;
  if (typeof row !== 'number' || !Number.isInteger(row) || row < 0) return undefined;
  return { row, endSize: eof === true && typeof size === 'number' ? size : undefined };
}

/** Stops waiting on `source` once `signal` aborts, even if the library behind it never settles its pending step. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  // One waiter at a time: racing every step against one long-lived abort promise would pile up reactions on it,
  // each holding a row, for as long as the file is read.
  let wake: ((step: IteratorResult<T> | 'aborted') => void) | undefined;
  const onAbort = () => wake?.('aborted');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      const step = await new Promise<IteratorResult<T> | 'aborted'>((resolve, reject) => {
        wake = resolve;
        iterator.next().then(resolve, reject);
      });
      wake = undefined;
      if (step === 'aborted' || step.done === true) return;
      yield step.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Not awaited: after an abort the source may still be stuck in the step that was abandoned.
    Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

function describe(err: unknown): string {
  const { code, path } = err as NodeJS.ErrnoException;
  if (code === 'ENOENT') return `${path} does not exist`;
  if (code === 'ENOTDIR') return `${path} is not a directory`;
  if (code === 'EACCES' || code === 'EPERM') return `the gateway may not read and write ${path} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

// exceljs is large; load it only for folders that hold workbooks.
async function* readXlsxLazily(file: FileHandle, sheet: string | undefined, signal: AbortSignal): AsyncIterable<Record<string, unknown>> {
  const { readXlsx } = await import('./xlsx.ts');
  yield* readXlsx(file, sheet, signal);
}

const REFUSED_RULE = 'The gateway reads only regular files dropped into the folder: links and special files are moved here unread.';

export function createFileDropTask(config: FileDropConfig, context: ConnectorContext): ConnectorTask {
  const { directory } = config;
  const glob = compileGlob(config.pattern ?? DEFAULT_PATTERN);
  const settleMs = config.settleMs ?? DEFAULT_SETTLE_MS;
  const encoding = config.encoding ?? 'utf-8';
  const csv: CsvOptions = {
    encoding,
    delimiter: config.delimiter ?? ',',
    quote: config.quote ?? '"',
    escape: config.escape ?? '"',
    skipEmptyLines: config.skipEmptyLines ?? true,
  };
  const stopper = new AbortController();
  const signal = AbortSignal.any([context.signal, stopper.signal]);
  const { log } = context;

  /** The folder held open for one read or check, once the gateway has checked where it lies. */
  const pin = async () => pinFolder(await context.resolveFolder(directory), (located) => context.resolveFolder(located));

  // File times have sub-millisecond parts and Date.now() does not: compare whole milliseconds.
  const settled = (file: DroppedFile, now: number) => now - Math.floor(file.changedMs) >= settleMs;

  async function* rowsOf(file: DroppedFile): AsyncGenerator<Record<string, unknown>> {
    const handle = await openRegularFile(file.path);
    try {
      if (file.format === 'xlsx') yield* readXlsxLazily(handle, config.sheet, signal);
      else if (file.format === 'jsonl') yield* readJsonLines(handle, encoding, signal);
      else yield* readCsv(handle, csv, signal);
    } finally {
      await handle.close();
    }
  }

  /** A link or special file goes to failed/ unread (a rename moves the link itself, never its target). */
  async function refuse(folder: string, entry: RefusedEntry | DroppedFile, what: string): Promise<void> {
    try {
      const name = await moveToFailed(entry, folder, `${entry.name} was not read: ${what}.\n${REFUSED_RULE}`);
      log.warn({ file: entry.name, movedTo: join(FAILED_FOLDER, name), reason: what }, 'file refused and moved to failed/');
    } catch (err) {
      if (isSystemError(err) && err.code === 'ENOENT') return;
      log.error({ err, file: entry.name, reason: what }, 'refused file could not be moved to failed/');
    }
  }

  async function moveToDone(folder: string, file: DroppedFile, why: string): Promise<void> {
    try {
      const name = await moveInto(file, folder, DONE_FOLDER);
      log.info({ file: file.name, movedTo: join(DONE_FOLDER, name), why }, 'file moved to done/');
    } catch (err) {
      if (isSystemError(err) && err.code === 'ENOENT') return;
      log.warn({ err, file: file.name }, 'file could not be moved to done/; it is skipped until it can');
    }
  }

  /** A broken file goes to failed/; a file the system cannot read now stays for the next run; anything else is a bug. */
  async function setAside(folder: string, file: DroppedFile, err: unknown, rowsRead: number): Promise<void> {
    if (err instanceof RefusedFileError) return refuse(folder, file, err.message);
    if (err instanceof BrokenFileError) {
      const reason = [
        `${file.name} could not be read as ${file.format}: ${err.message}`,
        ...(err.detail === undefined ? [] : [err.detail]),
        `${rowsRead} data row(s) were read before the problem. A corrected file dropped under the same name is read after its last delivered row; under a new name it is read whole.`,
      ].join('\n');
      try {
        const name = await moveToFailed(file, folder, reason);
        log.warn({ file: file.name, movedTo: join(FAILED_FOLDER, name), reason: err.message }, 'broken file moved to failed/');
      } catch (moveErr) {
        log.error({ err: moveErr, file: file.name, reason: err.message }, 'broken file could not be moved to failed/');
      }
      return;
    }
    if (isSystemError(err)) {
      log.warn({ err, file: file.name }, err.code === 'ENOENT' ? 'file went away while being read' : 'file could not be read; it stays for the next run');
      return;
    }
    throw err;
  }

  /**
   * One run over the folder, oldest file first; each file is a partition named as the file, and a record's offset
   * is `{ file, row }` with the 1-based data row. The last row's offset also carries `eof: true` and the file's size.
   * Each read starts from `context.offsets`, never from what an earlier read of this task yielded, so records the
   * runtime did not commit are delivered again.
   *
   * The done/ rule: a file moves to done/ at the start of a read when its committed offset is its last row (`eof`)
   * and the file still has the size recorded in that offset. The runtime commits an offset only after the broker
   * acknowledged every record up to it, so no row of a moved file is undelivered; a file whose last row is not
   * committed yet stays and is read again from its committed row. A file whose size changed since (rows appended) is
   * read on after that row instead. A file yielding no row after its committed one (an empty file, a header without
   * rows) has nothing left to deliver and moves to done/ when read. Moves are renames within the folder's file
   * system and never overwrite: a name taken in done/ or failed/ gets a `.1`, `.2`, ... before its extension.
   *
   * The folder is checked against the department's drop folder again at the start of each read and held open for
   * the read (`pinFolder`). Links and special files the pattern matches are moved to failed/ unread; a file is
   * opened without following a link and read only if the opened handle is a regular file.
   */
  async function* read(): AsyncGenerator<SourceRecord[]> {
    if (signal.aborted) return;
    const pinned = await pin();
    try {
      yield* readFolder(pinned.path);
    } finally {
      await pinned.close();
    }
  }

  async function* readFolder(folder: string): AsyncGenerator<SourceRecord[]> {
    const { files: listed, refused } = await listFiles(folder, glob, config.format);
    for (const entry of refused) await refuse(folder, entry, `it is ${entry.kind}`);
    const now = Date.now();
    const queue: { file: DroppedFile; after: number }[] = [];
    for (const file of listed) {
      const committed = committedPosition(context.offsets.get(file.name));
      if (committed?.endSize === file.size) await moveToDone(folder, file, 'its last row was committed');
      else if (!settled(file, now)) log.debug({ file: file.name }, 'file changed recently; left for a later run');
      else queue.push({ file, after: committed?.row ?? 0 });
    }

    let batch: SourceRecord[] = [];
    for (const { file, after } of queue) {
      if (signal.aborted) return;
      const timestamp = Math.trunc(file.mtimeMs);
      // The newest record is held back until the next row (or the end) shows whether it is the file's last.
      let held: SourceRecord | undefined;
      let row = 0;
      let failure: unknown;
      try {
        for await (const value of untilAborted(rowsOf(file), signal)) {
          row++;
          if (row <= after) continue;
          if (held !== undefined) {
            batch.push(held);
            if (batch.length >= context.batchSize) {
              yield batch;
              batch = [];
            }
          }
          held = { partition: file.name, offset: { file: file.name, row }, value, timestamp };
        }
      } catch (err) {
        failure = err;
      }
      if (signal.aborted) return;
      if (failure !== undefined) {
        if (held !== undefined) batch.push(held);
        await setAside(folder, file, failure, row);
      } else if (held !== undefined) {
        held.offset = { file: file.name, row, eof: true, size: file.size };
        batch.push(held);
      } else {
        await moveToDone(folder, file, after > 0 ? `no row after the committed row ${after}` : 'no data rows');
      }
      if (batch.length >= context.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !signal.aborted) yield batch;
  }

  async function check(): Promise<CheckResult> {
    let pinned: PinnedFolder;
    try {
      pinned = await pin();
    } catch (err) {
      return { ok: false, message: isSystemError(err) ? describe(err) : `${directory} ${err instanceof Error ? err.message : String(err)}` };
    }
    const folder = pinned.path;
    try {
      await access(folder, constants.R_OK | constants.W_OK | constants.X_OK);
      for (const subfolder of [DONE_FOLDER, FAILED_FOLDER]) {
        const stats = await lstat(join(folder, subfolder)).catch(() => undefined);
        if (stats !== undefined && !stats.isDirectory()) return { ok: false, message: `${join(directory, subfolder)} is not a folder (a link?); nothing can be moved into it` };
        if (stats !== undefined) await access(join(folder, subfolder), constants.W_OK | constants.X_OK);
      }
      const listing = await listFiles(folder, glob, config.format);
      const waiting = listing.files.filter((file) => committedPosition(context.offsets.get(file.name))?.endSize !== file.size);
      const now = Date.now();
      const settling = waiting.filter((file) => !settled(file, now)).length;
      const refused = listing.refused.length > 0 ? `; ${listing.refused.length} link(s) or special file(s) will be moved to failed/ unread` : '';
      return {
        ok: true,
        message: `${directory} is readable and writable; ${waiting.length} file(s) wait${settling > 0 ? `, ${settling} of them still being written` : ''}${refused}`,
      };
    } catch (err) {
      return { ok: false, message: describe(err).replaceAll(folder, directory) };
    } finally {
      await pinned.close();
    }
  }

  return {
    check,
    read,
    async close() {
      stopper.abort();
    },
  };
}
