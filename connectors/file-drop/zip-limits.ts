import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { BrokenFileError } from './rows.ts';

/**
 * What one .xlsx workbook may unpack to. An .xlsx file is a zip archive of XML parts, so a small file can expand
 * a thousandfold (a zip bomb). Like Apache POI's ZipSecureFile, the ratio is checked only past a grace size, since
 * small parts of real workbooks (styles, shared strings of a repetitive sheet) compress very well.
 */
export const XLSX_LIMITS = {
  /** Decompressed bytes of all entries together. */
  maxTotalBytes: 200 * 1024 * 1024,
  /** Decompressed size over compressed size, for an entry larger than `ratioGraceBytes`. */
  maxRatio: 100,
  ratioGraceBytes: 1024 * 1024,
  maxEntries: 10_000,
} as const;

export type ZipLimits = { [K in keyof typeof XLSX_LIMITS]: number };

// A local file header takes at least 30 bytes: a smaller gap between entries cannot hide an entry of its own.
const LOCAL_HEADER_MIN_BYTES = 30;

function refuse(message: string): never {
  throw new BrokenFileError(`refused as a possible zip bomb: ${message}`);
}

function checkDeclared(entry: Entry, limits: ZipLimits, total: number): void {
  if (total > limits.maxTotalBytes) refuse(`its entries declare ${total} or more bytes decompressed, more than ${limits.maxTotalBytes}`);
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize > limits.ratioGraceBytes && ratio > limits.maxRatio) {
    refuse(`entry ${entry.fileName} declares ${Math.round(ratio)} times its compressed size, more than ${limits.maxRatio}`);
  }
}

/**
 * The streaming reader exceljs uses walks the local headers from the start of the file, not the central directory,
 * so an entry hidden between listed ones (or entries sharing their bytes) would unpack unchecked: the listed entries
 * must follow each other without overlap or room for another.
 */
async function checkLayout(zip: ZipFile, entries: Entry[], centralDirectoryOffset: number | undefined): Promise<void> {
  const sorted = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  let end = 0;
  for (const entry of sorted) {
    const gap = entry.relativeOffsetOfLocalHeader - end;
    if (gap < 0) refuse(`entry ${entry.fileName} overlaps the entry before it`);
    if (gap >= LOCAL_HEADER_MIN_BYTES) refuse(`${gap} bytes before entry ${entry.fileName} belong to no listed entry`);
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    end = fileDataStart + entry.compressedSize;
  }
  if (centralDirectoryOffset !== undefined && centralDirectoryOffset - end >= LOCAL_HEADER_MIN_BYTES) refuse(`${centralDirectoryOffset - end} bytes after the last entry belong to no listed entry`);
}

/** Unpacks every entry, counting, and stops at the first byte over a limit; yauzl also fails an entry that holds more than it declares. */
async function checkActual(zip: ZipFile, entries: Entry[], limits: ZipLimits, signal: AbortSignal): Promise<void> {
  let total = 0;
  for (const entry of entries) {
    if (signal.aborted) return;
    const stream: Readable = await zip.openReadStreamPromise(entry);
    let size = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        total += chunk.length;
        if (total > limits.maxTotalBytes) refuse(`its entries decompress to more than ${limits.maxTotalBytes} bytes`);
        if (size > limits.ratioGraceBytes && size / Math.max(entry.compressedSize, 1) > limits.maxRatio) {
          refuse(`entry ${entry.fileName} decompresses to more than ${limits.maxRatio} times its compressed size`);
        }
      }
    } catch (err) {
      if (err instanceof BrokenFileError) throw err;
      refuse(`entry ${entry.fileName} does not unpack as it declares (${(err as Error).message})`);
    } finally {
      stream.destroy();
    }
  }
}

/**
 * Checks the zip archive behind an open .xlsx file before any of it is parsed: the sizes its central directory
 * declares, the layout of its entries, then the bytes each entry really unpacks to. Throws a BrokenFileError
 * saying which limit a workbook passes, so the task moves it to failed/ with that reason. Leaves `fd` open.
 */
export async function checkWorkbookZip(fd: number, signal: AbortSignal, limits: ZipLimits = XLSX_LIMITS): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await yauzl.fromFdPromise(fd, { autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    throw new BrokenFileError('not a readable .xlsx workbook', { cause: err, detail: (err as Error).message });
  }
  // zip.close() is never called: yauzl's fd reader closes the descriptor when released, and the descriptor is the
  // caller's, which reads the workbook from it next.
  if (zip.entryCount > limits.maxEntries) refuse(`it has ${zip.entryCount} entries, more than ${limits.maxEntries}`);
  // Where the central directory starts, before reading entries moves yauzl's cursor; not in yauzl's typings.
  const centralDirectoryOffset = (zip as unknown as { readEntryCursor?: number }).readEntryCursor;
  const entries: Entry[] = [];
  let declared = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      declared += entry.uncompressedSize;
      checkDeclared(entry, limits, declared);
      entries.push(entry);
    }
  } catch (err) {
    if (err instanceof BrokenFileError) throw err;
    throw new BrokenFileError('not a readable .xlsx workbook', { cause: err, detail: (err as Error).message });
  }
  await checkLayout(zip, entries, centralDirectoryOffset);
  await checkActual(zip, entries, limits, signal);
}
