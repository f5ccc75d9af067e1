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
 * Headers encoded as a Kafka record carries them (their count, then each name and value with its byte length),
 * for kafkajs as patches/ leaves it, which copies such a Buffer into the record. Encoding them where the message is
 * prepared (in a worker thread) spares the event loop about 2 µs per record. The Buffer goes where kafkajs takes
 * `headers`; only the patched producer may be given it.
 */
export function encodeHeaders(headers: Record<string, string>): IHeaders {
  const entries = Object.entries(headers).map(([name, value]) => [name, Buffer.byteLength(name), value, Buffer.byteLength(value)] as const);
  let size = sizeOfVarint(entries.length);
  for (const [, nameBytes, , valueBytes] of entries) size += sizeOfVarint(nameBytes) + nameBytes + sizeOfVarint(valueBytes) + valueBytes;
  const buffer = Buffer.allocUnsafe(size);
  let offset = writeVarint(buffer, 0, entries.length);
  for (const [name, nameBytes, value, valueBytes] of entries) {
    offset = writeVarint(buffer, offset, nameBytes);
    offset += buffer.write(name, offset, 'utf8');
    offset = writeVarint(buffer, offset, valueBytes);
    offset += buffer.write(value, offset, 'utf8');
  }
  return buffer as unknown as IHeaders;
}
