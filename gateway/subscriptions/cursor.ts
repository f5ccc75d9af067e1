import { dxError } from '../errors.ts';
import type { Positions } from '../kafka/topic-reader.ts';

export type { Positions };

interface CursorBody {
  /** The topic the positions are on; a resource that moved to another topic makes old cursors invalid. */
  t: string;
  p: Positions;
}

/** An opaque cursor: base64url of `{ t: topic, p: { partition: next offset } }`. Clients pass it back unchanged. */
export function encodeCursor(topic: string, positions: Positions): string {
  return Buffer.from(JSON.stringify({ t: topic, p: positions } satisfies CursorBody)).toString('base64url');
}

function invalid(message: string): never {
  throw dxError('DX_ERR_REQUEST_INVALID', { message: `cursor ${message}`, details: [{ path: 'cursor', message }] });
}

export function decodeCursor(cursor: string, topic: string): Positions {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid('is not a cursor this gateway issued');
  }
  const { t, p } = (body ?? {}) as Partial<CursorBody>;
  if (typeof t !== 'string' || typeof p !== 'object' || p === null || Array.isArray(p)) return invalid('is not a cursor this gateway issued');
  if (t !== topic) return invalid('was issued for another topic of the resource; start again without a cursor');
  for (const [partition, offset] of Object.entries(p)) {
    if (!/^\d{1,9}$/.test(partition) || typeof offset !== 'string' || !/^\d{1,19}$/.test(offset)) return invalid('is not a cursor this gateway issued');
  }
  return p;
}
