import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, type Config } from '../config.ts';

const MIN_LENGTH = 32;

/** Where the embedded mode (and the demo) keeps a generated audit key. */
export function generatedAuditKeyPath(dataDir: string): string {
  return join(dataDir, 'audit-key');
}

/** Makes `DATA_DIR/audit-key` when it does not exist yet (readable by the owner only); answers its path. */
export function ensureAuditKeyFile(dataDir: string): { path: string; generated: boolean } {
  const path = generatedAuditKeyPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return { path, generated: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { path, generated: false };
    throw err;
  }
}

function readKeyFile(path: string, variable: string): string {
  let key: string;
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${path} (${(err as Error).message})`]);
  }
  if (key.length < MIN_LENGTH) throw new ConfigError([`${variable}: the key in ${path} must have at least ${MIN_LENGTH} characters`]);
  return key;
}

/**
 * The key of the audit chain, as bytes (the UTF-8 of the configured text): DX_AUDIT_KEY, or the content of
 * DX_AUDIT_KEY_FILE, or, with the embedded database only, one generated into DATA_DIR. With DATABASE_URL and no
 * key, loadConfig has already refused to start; this refuses again for configs built another way.
 */
export function loadAuditKey(config: Config, log: FastifyBaseLogger): Buffer {
  if (config.DX_AUDIT_KEY !== undefined) return Buffer.from(config.DX_AUDIT_KEY, 'utf8');
  if (config.DX_AUDIT_KEY_FILE !== undefined) return Buffer.from(readKeyFile(config.DX_AUDIT_KEY_FILE, 'DX_AUDIT_KEY_FILE'), 'utf8');
  if (config.DATABASE_URL !== undefined) throw new ConfigError(['DX_AUDIT_KEY (or DX_AUDIT_KEY_FILE) must be set with DATABASE_URL']);
  const { path, generated } = ensureAuditKeyFile(config.DATA_DIR);
  log.warn({ path, generated }, 'DX_AUDIT_KEY unset: the audit chain is keyed with a key kept in DATA_DIR; set DX_AUDIT_KEY in production and keep it away from the database');
  return Buffer.from(readKeyFile(path, 'DATA_DIR/audit-key'), 'utf8');
}

/** The keys DX_AUDIT_KEY_PREVIOUS lists (the former keys of a rotation), as bytes, in order. */
export function loadPreviousAuditKeys(config: Config): Buffer[] {
  return (config.DX_AUDIT_KEY_PREVIOUS ?? '').split(',').filter((entry) => entry !== '').map((entry) => Buffer.from(entry, 'utf8'));
}
