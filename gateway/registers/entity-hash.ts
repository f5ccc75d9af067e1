import { createHmac } from 'node:crypto';
import type { SecretKeys } from '../security/secret-key.ts';

const PURPOSE = 'dx-register-entity';

/**
 * The keyed hash that identifies an entity in the lookup records, never the key itself: HMAC-SHA256 of the
 * normalised key under a key derived from the gateway's secret key. Former secret keys (a rotation) still find
 * the lookups recorded under them.
 */
export function createEntityHasher(keys: SecretKeys) {
  const derive = (key: Buffer) => createHmac('sha256', key).update(PURPOSE).digest();
  const current = derive(keys.current.key);
  const all = [current, ...keys.previous.map((previous) => derive(previous.key))];
  const hashWith = (key: Buffer, entity: string) => createHmac('sha256', key).update(entity).digest('hex');
  return {
    hash: (entity: string): string => hashWith(current, entity),
    /** The hashes `entity` was recorded under with the current and former keys. */
    candidates: (entity: string): string[] => all.map((key) => hashWith(key, entity)),
  };
}

export type EntityHasher = ReturnType<typeof createEntityHasher>;
