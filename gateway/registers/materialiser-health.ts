import type { Logger } from 'pino';

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/** A materialiser (or the runtime's sync, id `sync`) that failed and is retried with backoff. */
export interface Retrying {
  id: string;
  resourceId: string | null;
  since: string;
  error: string;
}

interface Outage {
  resourceId: string | null;
  failures: number;
  retryAt: number;
  since: number;
  error: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The outages of this instance's materialisers: a failure (a crash, a batch not applied, a start that failed) opens
 * an outage, logged once, and delays the next start (exponential backoff); the first success after it closes it,
 * logged once with its length. `onChange` hears a resource go down or come back.
 */
export function createMaterialiserHealth(log: Logger, onChange: (resourceId: string, up: boolean) => void) {
  const outages = new Map<string, Outage>();

  function close(id: string): void {
    const outage = outages.get(id);
    if (!outage) return;
    outages.delete(id);
    log.info({ materialiser: id, resource: outage.resourceId, failures: outage.failures, downSeconds: (Date.now() - outage.since) / 1000 }, 'register materialiser resumed');
    if (outage.resourceId !== null && !down(outage.resourceId)) onChange(outage.resourceId, true);
  }

  function down(resourceId: string): boolean {
    return [...outages.values()].some((outage) => outage.resourceId === resourceId);
  }

  return {
    failed(id: string, resourceId: string | null, err: unknown): void {
      const now = Date.now();
      const outage = outages.get(id) ?? { resourceId, failures: 0, retryAt: now, since: now, error: '' };
      outage.failures++;
      outage.error = message(err);
      outage.retryAt = now + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (outage.failures - 1));
      if (outage.failures === 1) {
        outages.set(id, outage);
        log.warn({ err, materialiser: id, resource: resourceId }, 'register materialiser down; retrying with backoff until it resumes');
        if (resourceId !== null) onChange(resourceId, false);
      } else {
        log.debug({ err, materialiser: id, failures: outage.failures }, 'register materialiser still down');
      }
    },
    succeeded: close,
    /** No materialiser of the resource is down. */
    isUp: (resourceId: string): boolean => !down(resourceId),
    /** False while a failed materialiser waits for its next attempt. */
    mayStart: (id: string): boolean => (outages.get(id)?.retryAt ?? 0) <= Date.now(),
    /** Forgets a materialiser no longer wanted, without logging it as resumed. */
    forget(id: string): void {
      const outage = outages.get(id);
      outages.delete(id);
      if (outage?.resourceId && !down(outage.resourceId)) onChange(outage.resourceId, true);
    },
    retrying: (): Retrying[] => [...outages].map(([id, outage]) => ({ id, resourceId: outage.resourceId, since: new Date(outage.since).toISOString(), error: outage.error })),
  };
}

export type MaterialiserHealth = ReturnType<typeof createMaterialiserHealth>;
