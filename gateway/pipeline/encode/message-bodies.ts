import type { Type } from 'avsc';
import { encodeWireInto } from '../../../schemas/wire.ts';
import { encodedHeadersLength, writeHeaders } from '../../kafka/encoded-headers.ts';
import type { PackedBatch } from '../batch.ts';

/**
 * The messages of one topic written one after the other, values and headers straight into one growing buffer (no
 * Buffer per value or header). The buffer can be kept for the next batch (`buffer`): joinBodies copies out what was
 * written.
 */
export class MessageBodies {
  #buffer: Buffer;
  #length = 0;
  readonly keys: string[] = [];
  readonly timestamps: string[] = [];
  readonly valueEnds: number[] = [];
  readonly headerEnds: number[] = [];
  readonly #valueBytes: number[] = [];

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  get count(): number {
    return this.keys.length;
  }

  get byteLength(): number {
    return this.#length;
  }

  /** The buffer written into, to be handed to the next batch's MessageBodies. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.#buffer.length, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  /** A message whose value is in Confluent wire format (magic byte, schema id, Avro body). */
  addWire(key: string, timestamp: string, schemaId: number, type: Type, value: unknown, headerNames: readonly Buffer[], headerValues: readonly string[]): void {
    let end: number;
    while ((end = encodeWireInto(this.#buffer, this.#length, schemaId, type, value)) < 0) this.#reserve(this.#buffer.length - this.#length - end);
    this.#endValue(key, timestamp, end, headerNames, headerValues);
  }

  /** A message whose value is text (a dead letter's JSON). */
  addText(key: string, timestamp: string, text: string, headerNames: readonly Buffer[], headerValues: readonly string[]): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    this.#reserve(bytes);
    this.#endValue(key, timestamp, this.#length + this.#buffer.write(text, this.#length, bytes, 'utf8'), headerNames, headerValues);
  }

  #endValue(key: string, timestamp: string, valueEnd: number, headerNames: readonly Buffer[], headerValues: readonly string[]): void {
    this.#length = valueEnd;
    this.#reserve(encodedHeadersLength(headerNames, headerValues, this.#valueBytes));
    this.#length = writeHeaders(this.#buffer, this.#length, headerNames, headerValues, this.#valueBytes);
    this.keys.push(key);
    this.timestamps.push(timestamp);
    this.valueEnds.push(valueEnd);
    this.headerEnds.push(this.#length);
  }

  /** The bytes written, copied to `target` at `at`; value and header ends are shifted by `at` into `valueEnds` and `headerEnds` from `index`. */
  copyTo(target: Uint8Array, at: number, valueEnds: Uint32Array, headerEnds: Uint32Array, index: number): void {
    target.set(this.#buffer.subarray(0, this.#length), at);
    for (let n = 0; n < this.count; n++) {
      valueEnds[index + n] = (this.valueEnds[n] as number) + at;
      headerEnds[index + n] = (this.headerEnds[n] as number) + at;
    }
  }
}

/** The messages of several topics, in that order, as one packed batch's messages. */
export function joinBodies(parts: { topic: string; bodies: MessageBodies }[]): Pick<PackedBatch, 'topics' | 'keys' | 'timestamps' | 'bodies' | 'valueEnds' | 'headerEnds'> {
  const present = parts.filter(({ bodies }) => bodies.count > 0);
  const count = present.reduce((sum, { bodies }) => sum + bodies.count, 0);
  const bodies = new ArrayBuffer(present.reduce((sum, part) => sum + part.bodies.byteLength, 0));
  const valueEnds = new Uint32Array(count);
  const headerEnds = new Uint32Array(count);
  const keys: string[] = [];
  const timestamps: string[] = [];
  let at = 0;
  for (const part of present) {
    part.bodies.copyTo(new Uint8Array(bodies), at, valueEnds, headerEnds, keys.length);
    at += part.bodies.byteLength;
    keys.push(...part.bodies.keys);
    timestamps.push(...part.bodies.timestamps);
  }
  return { topics: present.map(({ topic, bodies: part }) => ({ topic, count: part.count })), keys, timestamps, bodies, valueEnds, headerEnds };
}
