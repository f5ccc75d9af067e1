import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface OpenLoopResult {
  sent: number;
  ok: number;
  bad: number;
  /** Answers with 200 a second, from the first request to the last answer. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

export interface OpenLoopRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Sends request `i` at start + i/rate whatever the answers (an open loop), latency counted from when each was due,
 * so a slow answer cannot hold back the next request. Milliseconds, rounded to hundredths.
 */
export async function openLoop(url: string, key: string, options: { rate: number; seconds: number; request(index: number): OpenLoopRequest }): Promise<OpenLoopResult> {
  const pool = new Pool(url, { connections: 128 });
  const total = options.rate * options.seconds;
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let bad = 0;
  let sent = 0;
  let lastEnd = 0;
  const start = performance.now();
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + sent * interval <= now) {
      const due = start + sent * interval;
      const { method, path, body } = options.request(sent);
      const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const request = pool.request({ method, path, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }).then(
        async (response) => {
          await response.body.text();
          lastEnd = performance.now();
          if (response.statusCode === 200) latencies.push(lastEnd - due);
          else bad++;
        },
        () => void bad++,
      );
      pending.add(request);
      void request.finally(() => pending.delete(request));
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { sent, ok: latencies.length, bad, rps: latencies.length / ((lastEnd - start) / 1000), p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN) };
}
