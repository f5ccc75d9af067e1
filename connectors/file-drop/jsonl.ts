import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createDecoder, type TextEncoding } from './decode.ts';
import { BrokenFileError, MAX_RECORD_CHARS } from './rows.ts';

function parseLine(text: string, line: number): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BrokenFileError(`line ${line} is not valid JSON`, { cause: err, detail: (err as Error).message });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BrokenFileError(`line ${line} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** The objects of a JSON Lines file, one per non-empty line (`\n` or `\r\n`), streamed. */
export async function* readJsonLines(file: FileHandle, encoding: TextEncoding, signal: AbortSignal): AsyncGenerator<Record<string, unknown>> {
  const input = file.createReadStream({ start: 0, autoClose: false, signal });
  const decoder = createDecoder(encoding);
  const text = pipeline(input, decoder.stream, () => undefined);
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      rest += chunk;
      let start = 0;
      for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
        line++;
        const value = parseLine(rest.slice(start, end), line);
        start = end + 1;
        if (value !== undefined) yield value;
      }
      rest = rest.slice(start);
      if (rest.length > MAX_RECORD_CHARS) throw new BrokenFileError(`line ${line + 1} is longer than ${MAX_RECORD_CHARS} characters`);
    }
  } finally {
    input.destroy();
  }
  const undecodable = decoder.failure();
  if (undecodable !== undefined) throw undecodable;
  const last = parseLine(rest, line + 1);
  if (last !== undefined) yield last;
}
