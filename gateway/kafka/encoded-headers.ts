import { createRequire } from 'node:module';
import type { IHeaders } from 'kafkajs';

const recordEncoder = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/record/v0/index.js') as { takesEncodedHeaders?: boolean };
// kafkajs as published would read a Buffer of headers as a map of its bytes and publish nonsense: refuse to start.
if (recordEncoder.takesEncodedHeaders !== true) throw new Error('kafkajs is not patched (patches/kafkajs+2.2.4.patch); run npm install');

const sizeOfVarint = (value: number) => {
  let size = 1;
  for (let rest = value * 2; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
};

/** A non-negative length as Kafka writes it in a record: zigzag (hence doubled), then 7 bits a byte. */
function writeVarint(buffer: Buffer, offset: number, value: number): number {
  let rest = value * 2;
  while (rest >= 0x80) {
    buffer[offset++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  buffer[offset++] = rest;
  return offset;
}

/**
 * A record's headers already encoded as Kafka writes them (see writeHeaders): the patched producer copies such a
 * Buffer into the record instead of encoding a map. Only gateway/kafka/ hands it to kafkajs (send-batch.ts).
 */
export type EncodedHeaders = Buffer & { readonly encodedHeaders: true };

/** Bytes written by writeHeaders (or encodeHeaders), as the headers of an outgoing message. */
export const asEncodedHeaders = (encoded: Buffer): EncodedHeaders => encoded as EncodedHeaders;

/** Encoded headers where kafkajs takes `headers`: its types know only maps of names to values. */
const asHeaders = (encoded: Buffer): IHeaders => encoded as unknown as IHeaders;

/** The bytes headers take encoded, for writeHeaders; `valueBytes` receives the byte length of each value. */
export function encodedHeadersLength(names: readonly Buffer[], values: readonly string[], valueBytes: number[]): number {
  let size = sizeOfVarint(names.length);
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as Buffer;
    const bytes = Buffer.byteLength(values[index] as string, 'utf8');
    valueBytes[index] = bytes;
    size += sizeOfVarint(name.length) + name.length + sizeOfVarint(bytes) + bytes;
  }
  return size;
}

/**
 * Writes headers as a Kafka record carries them (their count, then each name and value with its byte length) at
 * `offset`, where encodedHeadersLength made room, and answers where they end. Names are given as bytes (the
 * pipeline's few), values as text with the byte lengths encodedHeadersLength found.
 */
export function writeHeaders(buffer: Buffer, offset: number, names: readonly Buffer[], values: readonly string[], valueBytes: readonly number[]): number {
  let at = writeVarint(buffer, offset, names.length);
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as Buffer;
    at = writeVarint(buffer, at, name.length);
    at += name.copy(buffer, at);
    const bytes = valueBytes[index] as number;
    at = writeVarint(buffer, at, bytes);
    at += buffer.write(values[index] as string, at, bytes, 'utf8');
  }
  return at;
}

/**
 * Headers encoded in a Buffer of their own, for kafkajs as patches/ leaves it, which copies such a Buffer into the
 * record (the pipeline writes them among its messages with writeHeaders instead). The Buffer goes where kafkajs takes
 * `headers`; only the patched producer may be given it.
 */
export function encodeHeaders(headers: Record<string, string>): IHeaders {
  const names = Object.keys(headers).map((name) => Buffer.from(name, 'utf8'));
  const values = Object.values(headers);
  const valueBytes: number[] = [];
  const buffer = Buffer.allocUnsafe(encodedHeadersLength(names, values, valueBytes));
  writeHeaders(buffer, 0, names, values, valueBytes);
  return asHeaders(buffer);
}
