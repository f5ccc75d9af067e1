import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey, SecretKeys } from './secret-key.ts';

/** Sealed values read `dx1:<key id>:<base64url of nonce, tag and ciphertext>`; the version allows another scheme later. */
const PREFIX = 'dx1:';
const SEALED = /^dx1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticated encryption (AES-256-GCM) of what the gateway keeps in its database but must not keep in clear.
 * Every value is sealed for a `context` (what it is and whose: `connector:<id>:password`), authenticated with it, so
 * a sealed value copied into another row or field does not open there.
 */
export interface SecretBox {
  seal(plain: string, context: string): string;
  /** The clear text; throws when the value was not sealed for this context, or by none of the keys. */
  open(sealed: string, context: string): string;
  /** Whether the value has the sealed form (not whether it opens). */
  isSealed(value: unknown): value is string;
  /** Whether a sealed value is sealed with the current key (false: reseal it). */
  isCurrent(sealed: string): boolean;
  /** How every value sealed with the current key begins (to find the others in SQL). */
  readonly currentPrefix: string;
  /** The clear text of a sealed value, or the value itself when it is not sealed (written before the upgrade). */
  reveal(value: string, context: string): string;
}

export function createSecretBox(keys: SecretKeys): SecretBox {
  const byId = new Map<string, SecretKey>([keys.current, ...keys.previous].map((key) => [key.id, key]));

  function open(sealed: string, context: string): string {
    const match = SEALED.exec(sealed);
    if (!match) throw new Error('the value is not sealed');
    const key = byId.get(match[1] as string);
    if (!key) throw new Error(`the value is sealed with key ${match[1]}, which is neither DX_SECRET_KEY nor in DX_SECRET_KEY_PREVIOUS`);
    const bytes = Buffer.from(match[2] as string, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX) && SEALED.test(value);

  return {
    seal(plain, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.current.key, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${keys.current.id}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open,
    isSealed,
    isCurrent: (sealed) => sealed.startsWith(`${PREFIX}${keys.current.id}:`),
    currentPrefix: `${PREFIX}${keys.current.id}:`,
    reveal: (value, context) => (isSealed(value) ? open(value, context) : value),
  };
}
