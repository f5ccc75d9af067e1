import { Partitioners } from 'kafkajs';
import type { KafkaClient } from './client.ts';
import { batchSender, type BatchSender } from './send-batch.ts';

export interface TransactionalProducer {
  /** Runs `work` in one Kafka transaction, aborting it when `work` or the commit fails. */
  inTransaction(work: (sender: BatchSender) => Promise<void>): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A connected transactional producer (idempotent, one request in flight, Murmur2 partitioning as the shared
 * producer). Connecting with a `transactionalId` fences any earlier producer with that id, a zombie of an earlier run.
 */
export async function connectTransactionalProducer(client: KafkaClient, transactionalId: string): Promise<TransactionalProducer> {
  const producer = client.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    async inTransaction(work) {
      const transaction = await producer.transaction();
      try {
        await work(batchSender(transaction));
        await transaction.commit();
      } catch (err) {
        await transaction.abort().catch(() => undefined);
        throw err;
      }
    },
    disconnect: () => producer.disconnect(),
  };
}
