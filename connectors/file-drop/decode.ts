import { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { BrokenFileError } from './rows.ts';

export type TextEncoding = 'utf-8' | 'gbk' | 'gb18030';

export interface Decoder {
  /** Bytes in, text out (object mode, one string per chunk). */
  stream: Transform;
  /** Set once bytes invalid in the encoding were met; the text then ended before the line holding them. */
  failure(): BrokenFileError | undefined;
}

const REPLACEMENT = '\uFFFD';
const BOM = '\uFEFF';

function countLines(text: string, end = text.length): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * Decodes through iconv-lite, so a character split across chunks is decoded whole; a leading byte order mark is
 * dropped. iconv-lite puts U+FFFD where bytes are invalid in the encoding: there the text ends, cleanly after the
 * last complete line before them, so the reader delivers the rows before the problem, then asks `failure()`.
 * (A source that itself holds U+FFFD was damaged before it reached us and ends the same way.)
 */
export function createDecoder(encoding: TextEncoding): Decoder {
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  let line = 1;
  let started = false;
  let failure: BrokenFileError | undefined;

  function decoded(stream: Transform, raw: string): string | undefined {
    if (failure !== undefined) return undefined;
    let text = raw;
    if (!started && text.length > 0) {
      started = true;
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    const bad = text.indexOf(REPLACEMENT);
    if (bad === -1) {
      line += countLines(text);
      return text.length > 0 ? text : undefined;
    }
    failure = new BrokenFileError(`bytes on line ${line + countLines(text, bad)} are not valid ${encoding}`);
    const cut = text.lastIndexOf('\n', bad) + 1;
    if (cut > 0) stream.push(text.slice(0, cut));
    stream.push(null);
    return undefined;
  }

  const stream = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, decoded(this, decoder.write(chunk)));
    },
    flush(callback) {
      callback(null, decoded(this, decoder.end() ?? ''));
    },
  });
  return { stream, failure: () => failure };
}
