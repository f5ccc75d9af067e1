import { setTimeout as sleep } from 'node:timers/promises';
import { HOUSEHOLD_REGISTER_MAPPING } from '../schemas/fixtures/household-register.ts';
import { ADMIN_DATABASE_URL, call, createDatabase, departmentKey, freshTopic, newAdminKey } from './context.ts';
import { startBenchGateway } from './gateway-process.ts';

export interface PullResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssBytes: number;
  /** Event-loop lag while the connector ran (the gateway's histogram restarts at each /metrics read). */
  eventLoopLagMaxMs: number;
  eventLoopLagP99Ms: number;
  rejected: number;
}

function metric(text: string, name: string): number {
  return Number(new RegExp(`^${name} ([\\d.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
}

/** An sql-pull connector over `table` in a gateway process of its own, from the first row to the last. */
export async function measurePull(brokers: string[], table: string, options: { batchSize: number; partitions: number }): Promise<PullResult> {
  const database = await createDatabase();
  const adminKey = newAdminKey();
  const gateway = await startBenchGateway({ DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), DX_ADMIN_TOKEN: adminKey, DX_SCHEDULER_HEARTBEAT_MS: '200', KAFKA_TOPIC_PARTITIONS: String(options.partitions) });
  try {
    const key = await departmentKey(gateway.url, adminKey, 'BENCH');
    const source = new URL(ADMIN_DATABASE_URL);
    const connector = await call(gateway.url, key, 'POST', '/api/v1/connectors', {
      name: 'bench pull',
      type: 'sql-pull',
      schema: 'population.person',
      topic: freshTopic('pull'),
      schedule: '0 0 1 1 *',
      config: { driver: 'postgres', host: source.hostname, port: Number(source.port || 5432), database: source.pathname.slice(1), user: decodeURIComponent(source.username), table, cursorColumn: 'updated_at', keyColumn: 'id' },
      mapping: HOUSEHOLD_REGISTER_MAPPING,
      options: { batchSize: options.batchSize },
    });
    await fetch(`${gateway.url}/metrics`).then((response) => response.text());
    await call(gateway.url, key, 'POST', `/api/v1/connectors/${connector.id}/run`);
    let status;
    do {
      await sleep(500);
      status = await call(gateway.url, key, 'GET', `/api/v1/connectors/${connector.id}/status`);
    } while (!status.lastRun || status.lastRun.status === 'running');
    if (status.lastRun.status !== 'succeeded') throw new Error(`pull run ${status.lastRun.status}: ${status.lastRun.error}`);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const seconds = (Date.parse(status.lastRun.finishedAt) - Date.parse(status.lastRun.startedAt)) / 1000;
    return {
      records: status.lastRun.published,
      rejected: status.lastRun.rejected,
      seconds,
      recordsPerSecond: status.lastRun.read / seconds,
      peakRssBytes: gateway.peakRss(),
      eventLoopLagMaxMs: metric(metrics, 'dx_nodejs_eventloop_lag_max_seconds') * 1000,
      eventLoopLagP99Ms: metric(metrics, 'dx_nodejs_eventloop_lag_p99_seconds') * 1000,
    };
  } finally {
    await gateway.stop();
    await database.drop();
  }
}
