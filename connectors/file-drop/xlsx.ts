import type { FileHandle } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { BrokenFileError, fieldNames, isAbortError, isSystemError, toRecord } from './rows.ts';
import { checkWorkbookZip } from './zip-limits.ts';

type CellJson = string | number | boolean;

const MS_PER_DAY = 86_400_000;
// Days between Excel's day 0 (1899-12-30 in the 1900 system) and 1970-01-01; the 1904 system starts 1462 days later.
const EXCEL_EPOCH_DAYS = 25_569;
const DATE_1904_OFFSET_DAYS = 1_462;

/** Internals of exceljs's streaming reader that its typings leave out. */
interface WorkbookInternals {
  model?: { sheets?: { name: string }[] };
  properties?: { model?: { date1904?: boolean } };
}

/** Same rule as exceljs: a number format with date or time tokens outside quotes and brackets. */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:mm:ss` when it has a time of day; Excel has no time zone, so none is added. */
function isoDate(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) return '';
  const iso = new Date(Math.round(time / 1000) * 1000).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
}

function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial + (date1904 ? DATE_1904_OFFSET_DAYS : 0) - EXCEL_EPOCH_DAYS) * MS_PER_DAY));
}

/**
 * What a cell holds, JSON-friendly: numbers stay numbers, date-formatted cells become ISO strings, rich text and
 * hyperlinks become their text, a formula its cached result, an error cell its code (`#N/A`), an empty cell ''.
 */
export function cellJson(value: unknown, numFmt: string | undefined, date1904: boolean): CellJson {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    const cell = value as Record<string, unknown>;
    if (Array.isArray(cell.richText)) return cell.richText.map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : '')).join('');
    if ('formula' in cell || 'sharedFormula' in cell) {
      const result = cell.result;
      if (typeof result === 'number' && Number.isFinite(result) && isDateFormat(numFmt)) return isoDate(serialToDate(result, date1904));
      return typeof result === 'object' && result !== null && 'error' in result ? String(result.error) : cellJson(result, numFmt, date1904);
    }
    if ('text' in cell) return cellJson(cell.text, undefined, date1904);
    if ('error' in cell) return String(cell.error);
  }
  return String(value);
}

/**
 * The data rows of one worksheet of an .xlsx workbook (`sheet`, else the first in the workbook's tab order),
 * streamed with exceljs's WorkbookReader so only the shared-string table, not the rows, is held in memory. The first
 * row with a value is the header; empty rows are skipped; cells right of the last header are ignored. Other
 * worksheets are drained, not read, so exceljs removes the temporary files it spools them to. The archive is checked
 * against the zip limits first (`zip-limits.ts`), so a zip bomb is refused before anything is unpacked for parsing.
 */
export async function* readXlsx(file: FileHandle, sheet: string | undefined, signal: AbortSignal): AsyncGenerator<Record<string, unknown>> {
  await checkWorkbookZip(file.fd, signal);
  // Loaded only when an xlsx file is read: exceljs is about 20 MB of resident memory.
  const { default: ExcelJS } = await import('exceljs');
  // exceljs pipes its input into a zip parser that waits forever if the input fails; a failed or aborted input
  // ends the bytes instead, so the zip parser reaches an end, and the input's own error is what is reported.
  const input = file.createReadStream({ start: 0, autoClose: false, signal });
  const bytes = new PassThrough();
  let inputError: Error | undefined;
  input.on('error', (err) => {
    inputError = err;
    bytes.end();
  });
  input.pipe(bytes);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(bytes, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const internals = workbook as unknown as WorkbookInternals;
  let found = false;
  try {
    for await (const worksheet of workbook) {
      const name = (worksheet as unknown as { name?: string }).name;
      const wanted = sheet ?? internals.model?.sheets?.[0]?.name;
      const read = !found && (wanted === undefined || name === wanted);
      if (!read) {
        for await (const _row of worksheet) if (signal.aborted) return;
        continue;
      }
      found = true;
      const date1904 = internals.properties?.model?.date1904 === true;
      let names: string[] | undefined;
      for await (const row of worksheet) {
        if (!row.hasValues) continue;
        if (names === undefined) {
          const header: string[] = [];
          for (let column = 1; column <= row.cellCount; column++) header.push(String(cellJson(row.getCell(column).value, undefined, date1904)));
          // Formatted but empty cells after the last title are not columns.
          while (header.length > 0 && header[header.length - 1] === '') header.pop();
          names = fieldNames(header);
          continue;
        }
        const cells: CellJson[] = [];
        for (let column = 1; column <= names.length; column++) {
          const cell = row.getCell(column);
          cells.push(cellJson(cell.value, cell.numFmt, date1904));
        }
        yield toRecord(names, cells, '');
      }
    }
    if (inputError !== undefined) throw inputError;
    if (!found) {
      const sheets = (internals.model?.sheets ?? []).map((entry) => entry.name).join(', ');
      throw new BrokenFileError(sheet === undefined ? 'the workbook has no worksheet' : `the workbook has no sheet named ${sheet} (it has: ${sheets})`);
    }
  } catch (err) {
    if (inputError !== undefined) throw inputError;
    if (err instanceof BrokenFileError || isSystemError(err) || isAbortError(err)) throw err;
    // Whatever else exceljs, its zip reader or its XML parser throws is about the file's bytes.
    const message = err instanceof Error ? err.message : String(err);
    throw new BrokenFileError('not a readable .xlsx workbook', { cause: err, detail: message });
  } finally {
    input.destroy();
    bytes.destroy();
  }
}
