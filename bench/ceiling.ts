import { Kafka, logLevel, Partitioners } from 'kafkajs';

export interface CeilingResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
}

/**
 * The raw kafkajs producer as the gateway configures it (idempotent, acks=all, the same batch size, sends in flight
 * as the runtime keeps them), sending pre-encoded values of the same size with nothing else to do.
 */
export async function measureCeiling(brokers: string[], topic: string, options: { records: number; batchSize: number; valueBytes: number; inFlight: number; partitions: number }): Promise<CeilingResult> {
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
    const messages = Array.from({ length: options.batchSize }, (_, index) => ({ key: String(batch * options.batchSize + index).padStart(18, '0'), value }));
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
