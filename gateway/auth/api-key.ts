import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'dx_';
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;

/** A new random API key (256 bits). Only its hash is stored; the key itself is shown once. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are long random strings, so a fast unsalted hash is enough and lets the key be looked up by its hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The first characters of a key, safe to show so a user can tell their keys apart. */
export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}

export function parseBearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
