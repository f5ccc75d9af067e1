import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config.ts';

const KEY_BYTES = 32;
export const GENERATED_KEY_FILE = 'secret.key';

/** A key of the secret box with its id: the first 8 hex digits of its SHA-256, written before each sealed value. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

export interface SecretKeys {
  /** Seals everything new and what is resealed on start. */
  current: SecretKey;
  /** Older keys, only to open what they sealed (rotation). */
  previous: SecretKey[];
}

/** The 32 bytes of a key written as 64 hex digits or as base64 (standard or url-safe); null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return null;
  const decoded = Buffer.from(trimmed, 'base64');
  return decoded.length === KEY_BYTES ? decoded : null;
}

export function withId(key: Buffer): SecretKey {
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/**
 * The key in `<dataDir>/secret.key`, generated there (mode 0600) when absent. Two processes starting together agree:
 * the file is created exclusively and the loser reads the winner's.
 */
export function ensureGeneratedKeyFile(dataDir: string): { path: string; generated: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, GENERATED_KEY_FILE);
  try {
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { path, generated: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { path, generated: false };
  }
}

function readKeyFile(path: string, variable: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${variable} (${path}) cannot be read: ${(err as Error).message}`]);
  }
  const key = parseSecretKey(text);
  if (key === null) throw new ConfigError([`${variable} (${path}) must hold a key of 32 bytes, as 64 hex digits or base64`]);
  return key;
}

/**
 * The secret key: DX_SECRET_KEY, else the file DX_SECRET_KEY_FILE, else, in embedded mode only (no DATABASE_URL),
 * a key generated into DATA_DIR with a warning. With DATABASE_URL set and no key the gateway refuses to start:
 * a key generated on one host would not open what another instance sealed, nor survive a lost volume.
 */
export function loadSecretKeys(config: Config, log: { warn(object: Record<string, unknown>, message: string): void }): SecretKeys {
  let current: Buffer;
  if (config.DX_SECRET_KEY !== undefined) {
    current = parseSecretKey(config.DX_SECRET_KEY) as Buffer;
  } else if (config.DX_SECRET_KEY_FILE !== undefined) {
    current = readKeyFile(config.DX_SECRET_KEY_FILE, 'DX_SECRET_KEY_FILE');
  } else if (config.DATABASE_URL === undefined) {
    const { path, generated } = ensureGeneratedKeyFile(config.DATA_DIR);
    current = readKeyFile(path, 'the generated key file');
    log.warn({ path, generated }, 'DX_SECRET_KEY is unset: secrets are sealed with a key kept in the data folder; set DX_SECRET_KEY or DX_SECRET_KEY_FILE in production');
  } else {
    throw new ConfigError(['DX_SECRET_KEY or DX_SECRET_KEY_FILE must be set when DATABASE_URL is set (32 bytes, as 64 hex digits or base64: openssl rand -base64 32)']);
  }
  const previous = (config.DX_SECRET_KEY_PREVIOUS ?? '').split(',').filter((entry) => entry.trim() !== '').map((entry) => withId(parseSecretKey(entry) as Buffer));
  return { current: withId(current), previous };
}
