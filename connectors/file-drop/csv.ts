import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { createDecoder, type TextEncoding } from './decode.ts';
import { BrokenFileError, fieldNames, MAX_RECORD_CHARS, toRecord } from './rows.ts';

export interface CsvOptions {
  encoding: TextEncoding;
  delimiter: string;
  quote: string;
  escape: string;
  skipEmptyLines: boolean;
}

/**
 * The data rows of a CSV file, streamed: the first record is the header and names the fields; every value is the
 * cell's text as written (an empty cell is ''). A record with a different number of fields than the header, or a
 * quote out of place, ends the file with a BrokenFileError.
 */
export async function* readCsv(file: FileHandle, options: CsvOptions, signal: AbortSignal): AsyncGenerator<Record<string, unknown>> {
  const parser = parse({
    delimiter: options.delimiter,
    quote: options.quote === '' ? false : options.quote,
    escape: options.escape,
    skip_empty_lines: options.skipEmptyLines,
    max_record_size: MAX_RECORD_CHARS,
  });
  const input = file.createReadStream({ start: 0, autoClose: false, signal });
  const decoder = createDecoder(options.encoding);
  // Errors of any stage reach the parser, and so the loop below; the callback has nothing left to do.
  pipeline(input, decoder.stream, parser, () => undefined);
  let names: string[] | undefined;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (names === undefined) names = fieldNames(cells);
      else yield toRecord(names, cells, '');
    }
  } catch (err) {
    // Text cut short by undecodable bytes may end inside a quoted field; the bytes are the problem, not the quote.
    const undecodable = decoder.failure();
    if (undecodable !== undefined) throw undecodable;
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new BrokenFileError(`${err.code} on line ${line ?? '?'}`, { cause: err, detail: err.message });
    }
    throw err;
  } finally {
    input.destroy();
  }
  const undecodable = decoder.failure();
  if (undecodable !== undefined) throw undecodable;
}
