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

/** Encoded headers where kafkajs takes `headers`: its types know only maps of names to values. */
export const asHeaders = (encoded: Buffer): IHeaders => encoded as unknown as IHeaders;

/** Header names are few (the pipeline's own); their bytes are kept. */
const nameBytes = new Map<string, Buffer>();
const MAX_KEPT_NAMES = 64;

function bytesOfName(name: string): Buffer {
  let bytes = nameBytes.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(name, 'utf8');
    if (nameBytes.size < MAX_KEPT_NAMES) nameBytes.set(name, bytes);
  }
  return bytes;
}

/**
 * Headers encoded as a Kafka record carries them (their count, then each name and value with its byte length),
 * for kafkajs as patches/ leaves it, which copies such a Buffer into the record. Encoding them where the message is
 * prepared (in a worker thread) spares the event loop about 2 µs per record. The Buffer goes where kafkajs takes
 * `headers`; only the patched producer may be given it.
 */
export function encodeHeaders(headers: Record<string, string>): IHeaders {
  const parts: Buffer[] = [];
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    const encodedName = bytesOfName(name);
    const encodedValue = Buffer.from(value, 'utf8');
    parts.push(encodedName, encodedValue);
    size += sizeOfVarint(encodedName.length) + encodedName.length + sizeOfVarint(encodedValue.length) + encodedValue.length;
  }
  size += sizeOfVarint(parts.length / 2);
  const buffer = Buffer.allocUnsafe(size);
  let offset = writeVarint(buffer, 0, parts.length / 2);
  for (const part of parts) {
    offset = writeVarint(buffer, offset, part.length);
    buffer.set(part, offset);
    offset += part.length;
  }
  return asHeaders(buffer);
}
