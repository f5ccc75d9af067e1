import type { Principal } from './principal.ts';

interface Entry {
  principal: Principal;
  until: number;
}

/**
 * Recent successful key lookups, so that a busy caller does not cost a database round trip per request (at
 * 1,000 requests/s those round trips were most of the catalogue search's tail). An entry lives `ttlMs` at most
 * and never past its key's expiry. The owner clears the cache when a key is revoked or a principal disabled on
 * this instance, so that takes effect here at once; the same change made on another instance, within `ttlMs`.
 * Failed lookups are not kept: random keys cannot fill the cache.
 */
export function createAuthenticationCache(options: { ttlMs: number; maxEntries?: number; now?: () => number }) {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  /** Advanced by every clear: a lookup that began before a revocation must not store what it read. */
  let generation = 0;

  return {
    /** Take before looking a key up in the database; pass to `set` with the result. */
    generation(): number {
      return generation;
    },

    get(keyHash: string): Principal | undefined {
      const entry = entries.get(keyHash);
      if (entry === undefined) return undefined;
      if (now() < entry.until) return entry.principal;
      entries.delete(keyHash);
      return undefined;
    },

    set(keyHash: string, principal: Principal, keyExpiresAt: string | null, lookedUpIn: number): void {
      if (options.ttlMs <= 0 || lookedUpIn !== generation) return;
      const until = Math.min(now() + options.ttlMs, keyExpiresAt === null ? Infinity : Date.parse(keyExpiresAt));
      entries.delete(keyHash);
      entries.set(keyHash, { principal, until });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },

    clear(): void {
      generation++;
      entries.clear();
    },
  };
}
