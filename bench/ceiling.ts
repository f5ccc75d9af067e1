import * as patched from 'kafkajs';
import type { IHeaders } from 'kafkajs';
import * as published from 'kafkajs-published';
import { encodeHeaders } from '../gateway/kafka/encoded-headers.ts';

export interface CeilingResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
}

/**
 * Headers of the gateway's size and number (see gateway/pipeline/encode/encode-batch.ts), a 32-character message id and `dx-source`, handed
 * over encoded as the gateway hands them to the patched producer.
 */
function provenanceLike(key: string): IHeaders {
  return encodeHeaders({ 'dx-message-id': key.padEnd(32, '0'), 'dx-source': JSON.stringify(['00000000-0000-4000-8000-000000000000', 'dx_bench_people', { cursor: '2026-01-01 00:00:00+00', key }]) });
}

/** kafkajs with patches/ (what the gateway runs), or kafkajs 2.2.4 as published (a second copy, left unpatched). */
export type CeilingClient = 'patched' | 'published';

/**
 * The raw kafkajs producer as the gateway configures it (idempotent, acks=all, the same batch size, sends in flight
 * as the runtime keeps them), sending pre-encoded values of the same size with nothing else to do.
 */
export async function measureCeiling(
  brokers: string[],
  topic: string,
  options: { client: CeilingClient; records: number; batchSize: number; valueBytes: number; inFlight: number; partitions: number; withHeaders?: boolean },
): Promise<CeilingResult> {
  if (options.withHeaders && options.client !== 'patched') throw new Error('encoded headers need the patched client');
  const { Kafka, logLevel, Partitioners } = options.client === 'patched' ? patched : published;
  const kafka = new Kafka({ clientId: 'bench-ceiling', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: options.partitions }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const value = Buffer.alloc(options.valueBytes, 7);
  const batches = Math.ceil(options.records / options.batchSize);
  const started = process.hrtime.bigint();
  const pending = new Set<Promise<unknown>>();
  for (let batch = 0; batch < batches; batch++) {
    const messages = Array.from({ length: options.batchSize }, (_, index) => {
      const key = String(batch * options.batchSize + index).padStart(18, '0');
      return options.withHeaders ? { key, value, headers: provenanceLike(key) } : { key, value };
    });
    const send = producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    pending.add(send);
    void send.finally(() => pending.delete(send));
    if (pending.size >= options.inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.disconnect();
  const records = batches * options.batchSize;
  return { records, seconds, recordsPerSecond: records / seconds };
}
