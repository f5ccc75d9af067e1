import type { KafkaClient } from './client.ts';

export interface ReadinessProbe {
  /** Resolves when a broker answers a metadata request within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One admin client without retries, kept for readiness probes, so a down broker is reported now rather than after the
 * shared client's backoff, and a probe does not cost a new connection. After a failure it reconnects on the next probe.
 */
export function createReadinessProbe(client: KafkaClient): ReadinessProbe {
  const probe = client.admin({ retry: { retries: 0 } });
  let connected: Promise<void> | undefined;

  async function ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no Kafka broker answered within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      connected ??= probe.connect();
      await Promise.race([connected.then(() => probe.describeCluster()), timeout]);
    } catch (err) {
      connected = undefined;
      await probe.disconnect().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  return { ping, close: () => probe.disconnect() };
}
