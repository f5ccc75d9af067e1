import { parseArgs } from 'node:util';
import { ensureLocalKafka } from '../deploy/kafka/local-kafka.ts';
import { measureCeiling, type CeilingClient } from './ceiling.ts';
import { startFlags } from './gateway-process.ts';
import { ADMIN_DATABASE_URL, freshTopic } from './context.ts';
import { measurePull } from './pull.ts';
import { measurePush } from './push.ts';
import { createBenchPeopleTable } from './source-table.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'memory-rows': { type: 'string', default: '5000000' },
    only: { type: 'string', default: 'ceiling,pull,push,memory' },
    'batch-size': { type: 'string', default: '500' },
    partitions: { type: 'string', default: '3' },
    'push-seconds': { type: 'string', default: '20' },
    /** Push is measured once per connection count: latency grows with the requests queued (Little's law). */
    'push-connections': { type: 'string', default: '4,8' },
  },
});
const rows = Number(values.rows);
const memoryRows = Number(values['memory-rows']);
const batchSize = Number(values['batch-size']);
const partitions = Number(values.partitions);
const only = new Set(values.only.split(','));
// The Avro body of a generated resident is about this size; the ceiling sends values of the same size.
const VALUE_BYTES = 110;

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
const table: [string, string, string][] = [];
const brokers = process.env.KAFKA_BROKERS?.split(',') ?? (await ensureLocalKafka()).brokers;
log(`gateway: node ${process.env.BENCH_NODE_ARGS ?? startFlags()} ${process.env.BENCH_NODE_EXTRA_ARGS ?? ''} build/gateway/server.js`);

const ceilings: { id: string; recordsPerSecond: number }[] = [];
if (only.has('ceiling') || only.has('pull')) {
  const runs: [id: string, label: string, client: CeilingClient, withHeaders: boolean][] = [
    ['1', 'ceiling: raw kafkajs producer, as published', 'published', false],
    ['1p', 'the same with patches/ (what the gateway runs)', 'patched', false],
    // Not the ceiling, which has no headers: what the gateway's producer does with its two headers.
    ['1b', '1p with the two provenance headers, handed over encoded (encoded on this thread)', 'patched', true],
  ];
  for (const [id, label, client, withHeaders] of runs) {
    log(`ceiling ${id}: ${label}, ${rows} records of ${VALUE_BYTES} bytes`);
    const result = await measureCeiling(brokers, freshTopic('ceiling'), { client, records: rows, batchSize, valueBytes: VALUE_BYTES, inFlight: 2, partitions, withHeaders });
    ceilings.push({ id, recordsPerSecond: result.recordsPerSecond });
    table.push([`${id}. ${label}`, `${Math.round(result.recordsPerSecond).toLocaleString('en')} records/s`, `${result.records.toLocaleString('en')} records in ${result.seconds.toFixed(1)} s`]);
  }
}
if (only.has('pull')) {
  log(`pull: generating ${rows} residents in PostgreSQL`);
  await createBenchPeopleTable(ADMIN_DATABASE_URL, 'dx_bench_people', rows);
  log('pull: sql-pull connector → topic');
  const result = await measurePull(brokers, 'dx_bench_people', { batchSize, partitions });
  const ratios = ceilings.map(({ id, recordsPerSecond }) => `${(result.recordsPerSecond / recordsPerSecond).toFixed(2)} of ${id}`).join(', ');
  table.push(['2. end to end: sql-pull → topic', `${Math.round(result.recordsPerSecond).toLocaleString('en')} records/s (${ratios || 'no ceiling measured'})`, `${result.records.toLocaleString('en')} published, ${result.rejected} rejected in ${result.seconds.toFixed(1)} s; peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB; event-loop lag while pulling p99 ${result.eventLoopLagP99Ms.toFixed(0)} ms, max ${result.eventLoopLagMaxMs.toFixed(0)} ms; gateway CPU ${result.cpuMicrosPerRecord.total.toFixed(1)} µs a record (event loop ${result.cpuMicrosPerRecord.eventLoop.toFixed(1)})`]);
}
if (only.has('push')) {
  for (const connections of values['push-connections'].split(',').map(Number)) {
    log(`push: autocannon, batched POSTs of 1,000 records, ${connections} connections`);
    const result = await measurePush(brokers, { batchSize: 1000, connections, seconds: Number(values['push-seconds']), partitions });
    table.push([`3. push: POST of 1,000 records, ${connections} connections`, `${Math.round(result.recordsPerSecond).toLocaleString('en')} records/s`, `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.requests} requests, ${result.errors} errors`]);
  }
}
if (only.has('memory')) {
  log(`memory: generating ${memoryRows} residents`);
  await createBenchPeopleTable(ADMIN_DATABASE_URL, 'dx_bench_people_large', memoryRows);
  log('memory: pulling them');
  const result = await measurePull(brokers, 'dx_bench_people_large', { batchSize, partitions });
  table.push(['4. memory: peak RSS pulling the large table', `${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`, `${result.records.toLocaleString('en')} records at ${Math.round(result.recordsPerSecond).toLocaleString('en')} records/s`]);
}

const widths = [0, 1, 2].map((column) => Math.max(...[['benchmark', 'result', 'detail'], ...table].map((row) => row[column]!.length)));
const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
process.stdout.write([line(['benchmark', 'result', 'detail']), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...table.map(line)].join('\n') + '\n');
