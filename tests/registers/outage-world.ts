import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/** The gateway's log lines, parsed, as a test reads them. */
export function captureLogs(): { sink: Writable; lines: Array<Record<string, unknown>>; count(msg: string): number } {
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk);
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { sink, lines, count: (msg) => lines.filter((line) => line.msg === msg).length };
}

/**
 * The value of a metric of one resource as /metrics shows it (undefined when it is not exposed). Read from the app's
 * registry: /metrics itself answers 503 while the database is down, as some of its other metrics are read from it.
 */
export async function resourceMetric(app: FastifyInstance, name: string, resourceId: string): Promise<number | undefined> {
  const body = await app.metrics.registry.getSingleMetricAsString(name);
  const match = new RegExp(`^${name}\\{resource="${resourceId}"\\} (\\S+)$`, 'm').exec(body);
  return match ? Number(match[1]) : undefined;
}
