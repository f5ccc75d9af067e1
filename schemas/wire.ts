import type { Type } from 'avsc';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body. */
export const WIRE_MAGIC_BYTE = 0;
export const WIRE_HEADER_LENGTH = 5;
const MAX_SCHEMA_ID = 0x7fffffff;

export type WireErrorCode =
  | 'DX_ERR_WIRE_SHORT_BUFFER'
  | 'DX_ERR_WIRE_MAGIC_BYTE'
  | 'DX_ERR_WIRE_SCHEMA_ID'
  | 'DX_ERR_WIRE_UNKNOWN_SCHEMA'
  | 'DX_ERR_WIRE_INVALID_VALUE'
  | 'DX_ERR_WIRE_BODY';

/** A malformed message or value is data, not a transient fault: never retriable. */
export class WireFormatError extends Error {
  readonly code: WireErrorCode;
  readonly retriable = false;

  constructor(code: WireErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WireFormatError';
    this.code = code;
  }
}

export interface DecodedMessage {
  readonly schemaId: number;
  readonly value: unknown;
}

/** Build the types with `createAvroType` so that decoded values are plain canonical records. */
export type SchemaLookup = (schemaId: number) => Type | undefined;

function invalidPaths(type: Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, {
    errorHook: (path) => {
      paths.push(path.length === 0 ? '(record)' : path.join('.'));
    },
  });
  return paths;
}

function checkSchemaId(schemaId: number): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > MAX_SCHEMA_ID) {
    throw new WireFormatError('DX_ERR_WIRE_SCHEMA_ID', `schema id must be an integer from 0 to ${MAX_SCHEMA_ID}`);
  }
}

/**
 * Writes the message into `buffer` at `offset` and answers where it ends, or, when it does not fit, the number of
 * bytes missing as a negative number (as avsc's `encode` does). Whatever it wrote past `offset` is then garbage.
 */
export function encodeWireInto(buffer: Buffer, offset: number, schemaId: number, type: Type, value: unknown): number {
  checkSchemaId(schemaId);
  if (buffer.length - offset < WIRE_HEADER_LENGTH) return buffer.length - offset - WIRE_HEADER_LENGTH;
  let end: number;
  try {
    end = type.encode(value, buffer, offset + WIRE_HEADER_LENGTH);
  } catch (err) {
    // Values are left out of the message on purpose: they may be ID numbers.
    throw new WireFormatError('DX_ERR_WIRE_INVALID_VALUE', `value does not match the Avro schema at: ${invalidPaths(type, value).join(', ')}`, { cause: err });
  }
  if (end < 0) return end;
  buffer[offset] = WIRE_MAGIC_BYTE;
  buffer.writeUInt32BE(schemaId, offset + 1);
  return end;
}

/** Where single values are encoded before they are copied out at their exact size; grown when a value does not fit. */
let scratch = Buffer.allocUnsafe(64 * 1024);

export function encodeWire(schemaId: number, type: Type, value: unknown): Buffer {
  let end: number;
  while ((end = encodeWireInto(scratch, 0, schemaId, type, value)) < 0) scratch = Buffer.allocUnsafe(2 * (scratch.length - end));
  return Buffer.from(scratch.subarray(0, end));
}

export function readWireSchemaId(buffer: Buffer): number {
  if (buffer.length < WIRE_HEADER_LENGTH) {
    throw new WireFormatError(
      'DX_ERR_WIRE_SHORT_BUFFER',
      `message has ${buffer.length} bytes; the wire format needs at least ${WIRE_HEADER_LENGTH}`,
    );
  }
  const magic = buffer.readUInt8(0);
  if (magic !== WIRE_MAGIC_BYTE) {
    throw new WireFormatError('DX_ERR_WIRE_MAGIC_BYTE', `unknown magic byte ${magic}; expected ${WIRE_MAGIC_BYTE}`);
  }
  return buffer.readUInt32BE(1);
}

export function decodeWire(buffer: Buffer, lookup: SchemaLookup): DecodedMessage {
  const schemaId = readWireSchemaId(buffer);
  const type = lookup(schemaId);
  if (type === undefined) throw new WireFormatError('DX_ERR_WIRE_UNKNOWN_SCHEMA', `unknown schema id ${schemaId}`);
  try {
    return { schemaId, value: type.fromBuffer(buffer.subarray(WIRE_HEADER_LENGTH)) };
  } catch (err) {
    throw new WireFormatError('DX_ERR_WIRE_BODY', `Avro body does not decode with schema id ${schemaId}`, {
      cause: err,
    });
  }
}
