import { OFFSETS_TOPIC, OFFSETS_TOPIC_CONFIG, offsetsBatch, readCommittedOffsets, syncMessage } from '../../kafka/connector-offsets.ts';
import { connectTransactionalProducer } from '../../kafka/transaction.ts';
import type { Connector } from '../connector-store.ts';
import { sendPrepared } from '../produce.ts';
import type { RuntimeDependencies } from './dependencies.ts';
import type { TargetFor } from './targets.ts';
import { createPullTask } from './task-context.ts';

/**
 * One exactly-once attempt, after Kafka Connect's exactly-once source support: a transactional producer per
 * connector (starting it fences any zombie of an earlier run), offsets read back from the offsets topic, and
 * each batch written with its offsets in one transaction. PostgreSQL gets a copy after each commit, for display.
 */
export async function attemptExactlyOnce(deps: RuntimeDependencies, targetFor: TargetFor, connector: Connector, runId: number, signal: AbortSignal): Promise<void> {
  const target = await targetFor(connector);
  await deps.ensureTopic(OFFSETS_TOPIC, { partitions: 1, config: OFFSETS_TOPIC_CONFIG });
  const producer = await connectTransactionalProducer(deps.kafka, `dx-connector-${connector.id}`);
  try {
    const sync = syncMessage(connector.id);
    await producer.inTransaction((transaction) => transaction.sendBatch({ acks: -1, topicMessages: [{ topic: OFFSETS_TOPIC, messages: [sync.message] }] }).then(() => undefined));
    const offsets = await readCommittedOffsets(deps.kafka, connector.id, sync.nonce);
    const task = createPullTask(deps, connector, offsets, signal);
    try {
      for await (const records of task.read()) {
        if (signal.aborted) break;
        if (records.length === 0) continue;
        const preparing = deps.prepare.prepare(target, records);
        records.length = 0; // taken, as in the ordered window
        const { topicMessages, ...published } = await preparing;
        await producer.inTransaction((transaction) => sendPrepared(transaction, [...topicMessages, offsetsBatch(connector.id, published.offsets)]));
        await deps.store.commitBatch(connector.id, runId, published);
      }
    } finally {
      await task.close();
    }
  } finally {
    await producer.disconnect();
  }
}
