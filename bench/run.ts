import { parseArgs } from 'node:util';
import { ensureLocalKafka } from '../gateway/kafka/local-broker/local-kafka.ts';
import { measureCeiling, type CeilingClient } from './ceiling.ts';
import { startFlags } from './gateway-process.ts';
import { ADMIN_DATABASE_URL, freshTopic } from './context.ts';
import { measurePull, type PullResult } from './pull.ts';
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
    /** The host's speed drifts by a fifth within minutes: ceilings and pull are measured in turn this many times. */
    repeat: { type: 'string', default: '3' },
    /** Push is measured once per connection count: latency grows with the requests queued (Little's law). */
    'push-connections': { type: 'string', default: '4,8' },
  },
});
const rows = Number(values.rows);
const memoryRows = Number(values['memory-rows']);
const batchSize = Number(values['batch-size']);
const partitions = Number(values.partitions);
const only = new Set(values.only.split(','));
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a whole number of at least 1, not ${values.repeat}`);
// The Avro body of a generated resident is about this size; the ceiling sends values of the same size.
const VALUE_BYTES = 110;

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
const table: [string, string, string][] = [];
const brokers = process.env.KAFKA_BROKERS?.split(',') ?? (await ensureLocalKafka()).brokers;
log(`gateway: node ${process.env.BENCH_NODE_ARGS ?? startFlags()} ${process.env.BENCH_NODE_EXTRA_ARGS ?? ''} build/gateway/server.js`);

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)] as number;
const perSecond = (value: number) => `${Math.round(value).toLocaleString('en')} records/s`;
const runs = (list: number[]) => (list.length > 1 ? `; runs: ${list.map((value) => Math.round(value).toLocaleString('en')).join(', ')}` : '');

const ceilingRuns: [id: string, label: string, client: CeilingClient, withHeaders: boolean][] = [
  ['1', 'ceiling: raw kafkajs producer, as published', 'published', false],
  ['1p', 'the same with patches/ (what the gateway runs)', 'patched', false],
  // Not the issue's ceiling, which has no headers: what the gateway's producer does with its two headers.
  ['1b', '1p with the two provenance headers, handed over encoded (encoded on this thread)', 'patched', true],
];
const ceilings = new Map(ceilingRuns.map(([id]) => [id, [] as number[]]));
const pulls: PullResult[] = [];
if (only.has('pull')) {
  log(`pull: generating ${rows} residents in PostgreSQL`);
  await createBenchPeopleTable(ADMIN_DATABASE_URL, 'dx_bench_people', rows);
}
if (only.has('ceiling') || only.has('pull')) {
  for (let round = 1; round <= repeat; round++) {
    for (const [id, label, client, withHeaders] of ceilingRuns) {
      log(`round ${round}/${repeat}, ceiling ${id}: ${label}, ${rows} records of ${VALUE_BYTES} bytes`);
      const result = await measureCeiling(brokers, freshTopic('ceiling'), { client, records: rows, batchSize, valueBytes: VALUE_BYTES, inFlight: 2, partitions, withHeaders });
      ceilings.get(id)?.push(result.recordsPerSecond);
    }
    if (!only.has('pull')) continue;
    log(`round ${round}/${repeat}, pull: sql-pull connector → topic`);
    pulls.push(await measurePull(brokers, 'dx_bench_people', { batchSize, partitions }));
  }
  for (const [id, label] of ceilingRuns) {
    const measured = ceilings.get(id) as number[];
    table.push([`${id}. ${label}`, perSecond(median(measured)), `${rows.toLocaleString('en')} records${repeat > 1 ? ', median' : ''}${runs(measured)}`]);
  }
}
if (pulls.length > 0) {
  const rates = pulls.map((pull) => pull.recordsPerSecond);
  const typical = pulls.find((pull) => pull.recordsPerSecond === median(rates)) as PullResult;
  const ratios = ceilingRuns.map(([id]) => `${(median(rates) / median(ceilings.get(id) as number[])).toFixed(2)} of ${id}`).join(', ');
  // Each round's own ratio: the ceiling and the pull measured minutes apart, on the host as it was then.
  const roundRatios = pulls.map((pull, index) => (pull.recordsPerSecond / (ceilings.get('1') as number[])[index]!).toFixed(2)).join(', ');
  table.push([
    '2. end to end: sql-pull → topic',
    `${perSecond(typical.recordsPerSecond)} (${ratios})`,
    `${repeat > 1 ? `median of ${repeat} runs${runs(rates)}; each round's ratio to 1: ${roundRatios}; that run: ` : ''}${typical.records.toLocaleString('en')} published, ${typical.rejected} rejected in ${typical.seconds.toFixed(1)} s; peak RSS ${(typical.peakRssBytes / 2 ** 20).toFixed(0)} MB; event-loop lag while pulling p99 ${typical.eventLoopLagP99Ms.toFixed(0)} ms, max ${typical.eventLoopLagMaxMs.toFixed(0)} ms; gateway CPU ${typical.cpuMicrosPerRecord.total.toFixed(1)} µs a record (event loop ${typical.cpuMicrosPerRecord.eventLoop.toFixed(1)})`,
  ]);
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
