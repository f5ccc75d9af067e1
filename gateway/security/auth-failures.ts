export interface AuthFailureLimiterOptions {
  /** Failed authentications an address may have in one window before it is refused without a lookup. */
  max: number;
  windowMs: number;
  /** Addresses tracked at once; past it the oldest window is forgotten, so sprayed addresses cannot fill memory. */
  maxTracked?: number;
  now?: () => number;
}

interface Window {
  failures: number;
  resetAt: number;
}

/**
 * Counts failed authentications per client address in fixed windows, in memory per instance. `blockedFor` is checked
 * before any key is looked up, so a flood of bad keys costs a map lookup, not a database query.
 */
export function createAuthFailureLimiter(options: AuthFailureLimiterOptions) {
  const now = options.now ?? Date.now;
  const maxTracked = options.maxTracked ?? 100_000;
  const windows = new Map<string, Window>();

  function current(address: string): Window | undefined {
    const window = windows.get(address);
    if (window && now() >= window.resetAt) {
      windows.delete(address);
      return undefined;
    }
    return window;
  }

  return {
    /** Milliseconds until `address` may try again, or 0 when it may try now. */
    blockedFor(address: string): number {
      const window = current(address);
      return window && window.failures >= options.max ? window.resetAt - now() : 0;
    },

    fail(address: string): void {
      const window = current(address);
      if (window) {
        window.failures++;
        return;
      }
      windows.set(address, { failures: 1, resetAt: now() + options.windowMs });
      if (windows.size > maxTracked) windows.delete(windows.keys().next().value as string);
    },
  };
}
