import t from 'tap';
import { createAuthenticationCache } from '../../gateway/auth/authentication-cache.ts';
import type { Principal } from '../../gateway/auth/principal.ts';

const PRINCIPAL = { id: 'p1', kind: 'department', name: '人社局', departmentCode: 'RSJ', description: null, createdAt: '2026-01-01T00:00:00Z', disabledAt: null } as Principal;

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

t.test('an entry is reused for the time to live, then looked up again', async (t) => {
  const time = clock(Date.parse('2026-11-25T10:00:00Z'));
  const cache = createAuthenticationCache({ ttlMs: 1000, now: time.now });
  cache.set('hash', PRINCIPAL, null, cache.generation());
  time.advance(999);
  t.equal(cache.get('hash'), PRINCIPAL);
  time.advance(1);
  t.equal(cache.get('hash'), undefined);
});

t.test("an entry never outlives its key's expiry", async (t) => {
  const time = clock(Date.parse('2026-11-25T10:00:00Z'));
  const cache = createAuthenticationCache({ ttlMs: 60_000, now: time.now });
  cache.set('hash', PRINCIPAL, '2026-11-25T10:00:00.200Z', cache.generation());
  time.advance(199);
  t.equal(cache.get('hash'), PRINCIPAL);
  time.advance(1);
  t.equal(cache.get('hash'), undefined);
});

t.test('a time to live of 0 keeps nothing, and clear forgets everything', async (t) => {
  const off = createAuthenticationCache({ ttlMs: 0 });
  off.set('hash', PRINCIPAL, null, off.generation());
  t.equal(off.get('hash'), undefined);
  const on = createAuthenticationCache({ ttlMs: 1000 });
  on.set('a', PRINCIPAL, null, on.generation());
  on.set('b', PRINCIPAL, null, on.generation());
  on.clear();
  t.equal(on.get('a'), undefined);
  t.equal(on.get('b'), undefined);
});

t.test('beyond its size the oldest entry is dropped first', async (t) => {
  const cache = createAuthenticationCache({ ttlMs: 1000, maxEntries: 2 });
  cache.set('a', PRINCIPAL, null, cache.generation());
  cache.set('b', PRINCIPAL, null, cache.generation());
  cache.set('c', PRINCIPAL, null, cache.generation());
  t.equal(cache.get('a'), undefined);
  t.equal(cache.get('b'), PRINCIPAL);
  t.equal(cache.get('c'), PRINCIPAL);
});

t.test('a lookup that began before a clear (a revocation) is not stored', async (t) => {
  const cache = createAuthenticationCache({ ttlMs: 1000 });
  const lookedUpIn = cache.generation();
  cache.clear();
  cache.set('hash', PRINCIPAL, null, lookedUpIn);
  t.equal(cache.get('hash'), undefined);
  cache.set('hash', PRINCIPAL, null, cache.generation());
  t.equal(cache.get('hash'), PRINCIPAL);
});
