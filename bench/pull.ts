import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { grantSourceReader, SOURCE_READER } from '../tests/helpers/person-source.ts';
import { HOUSEHOLD_REGISTER_MAPPING } from '../schemas/fixtures/household-register.ts';
import { ADMIN_DATABASE_URL, call, createDatabase, departmentKey, freshTopic, newAdminKey, runConnector } from './context.ts';
import { startBenchGateway } from './gateway-process.ts';
import { topicResourceBody } from '../tests/helpers/resource.ts';

export interface PullResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssBytes: number;
  /** Event-loop lag while the connector ran (the gateway's histogram restarts at each /metrics read). */
  eventLoopLagMaxMs: number;
  eventLoopLagP99Ms: number;
  rejected: number;
  /** CPU time of the gateway process per record read, and of its main thread (the event loop) alone. */
  cpuMicrosPerRecord: { total: number; eventLoop: number };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds used so far by the process and by its main thread (whose thread id is the process id). */
function cpuSeconds(pid: number): { total: number; eventLoop: number } {
  const used = (path: string) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after the thread name, which may hold anything
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime and stime, fields 14 and 15 of stat
  };
  return { total: used(`/proc/${pid}/stat`), eventLoop: used(`/proc/${pid}/task/${pid}/stat`) };
}

function metric(text: string, name: string): number {
  return Number(new RegExp(`^${name} ([\\d.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
}

/** An sql-pull connector over `table` in a gateway process of its own, from the first row to the last. */
export async function measurePull(brokers: string[], table: string, options: { batchSize: number; partitions: number }): Promise<PullResult> {
  const database = await createDatabase();
  const adminKey = newAdminKey();
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await grantSourceReader(admin, table).finally(() => admin.end());
  const gateway = await startBenchGateway({ DX_ALLOWED_HOSTS: '127.0.0.0/8,::1', DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), DX_ADMIN_TOKEN: adminKey, DX_SCHEDULER_HEARTBEAT_MS: '200', KAFKA_TOPIC_PARTITIONS: String(options.partitions) });
  try {
    const key = await departmentKey(gateway.url, adminKey, 'BENCH');
    const topic = freshTopic('pull');
    await call(gateway.url, adminKey, 'POST', '/api/v1/catalog/resources', topicResourceBody('BENCH', topic));
    const source = new URL(ADMIN_DATABASE_URL);
    const connector = await call(gateway.url, key, 'POST', '/api/v1/connectors', {
      name: 'bench pull',
      type: 'sql-pull',
      schema: 'population.person',
      topic,
      schedule: '0 0 1 1 *',
      config: { driver: 'postgres', host: source.hostname, port: Number(source.port || 5432), database: source.pathname.slice(1), user: SOURCE_READER, table, cursorColumn: 'updated_at', keyColumn: 'id' },
      mapping: HOUSEHOLD_REGISTER_MAPPING,
      options: { batchSize: options.batchSize },
    });
    await fetch(`${gateway.url}/metrics`).then((response) => response.text());
    const cpuBefore = cpuSeconds(gateway.pid);
    const status = { lastRun: await runConnector(gateway.url, key, connector.id) };
    const cpuAfter = cpuSeconds(gateway.pid);
    const perRecord = (seconds: number) => (seconds * 1e6) / status.lastRun.read;
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
      cpuMicrosPerRecord: { total: perRecord(cpuAfter.total - cpuBefore.total), eventLoop: perRecord(cpuAfter.eventLoop - cpuBefore.eventLoop) },
    };
  } finally {
    await gateway.stop();
    await database.drop();
  }
}
