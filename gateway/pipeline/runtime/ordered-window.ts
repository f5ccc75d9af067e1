import type { SourceRecord } from '../../../connectors/types.ts';
import type { BatchSender } from '../../kafka/send-batch.ts';
import type { PublishedBatch, TargetSpec } from '../batch.ts';
import type { PreparePool } from '../prepare/prepare-pool.ts';
import { sendInRequests } from '../produce.ts';

const BATCHES_IN_FLIGHT = 3;

/**
 * Prepares a batch and sends it once the batch before it (`after`) was handed to the producer: batches may come
 * back from the workers in any order, and must go out in the order they were read. `started` settles when this
 * batch's last request was handed to the producer, and rejects when this batch or one before it failed, so
 * that nothing after a failed batch is sent. `done` resolves when the broker acknowledged the whole batch.
 */
export function publishInOrder(prepare: PreparePool, sender: BatchSender, spec: TargetSpec, records: readonly SourceRecord[], after: Promise<unknown> = Promise.resolve()) {
  const prepared = prepare.prepare(spec, records);
  prepared.catch(() => undefined);
  const sending = after.then(() => prepared).then(({ topicMessages, ...published }) => {
    const { handedOver, acknowledged } = sendInRequests(sender, topicMessages);
    acknowledged.catch(() => undefined);
    return { published, handedOver, acknowledged };
  });
  const done: Promise<PublishedBatch> = sending.then(async ({ published, acknowledged }) => {
    await acknowledged;
    return published;
  });
  const started = sending.then(({ handedOver }) => handedOver);
  started.catch(() => undefined);
  return { started, done };
}

/**
 * The ordered window: up to BATCHES_IN_FLIGHT batches are being sent while the next is read and encoded; `commit`
 * runs strictly in batch order, each after its ack, so a committed offset never runs ahead of an unacknowledged
 * record. `add` waits while the window is full; `drain` resolves when every batch was committed, and rejects with
 * the first failure (nothing after a failed batch is sent or committed).
 */
export function createOrderedWindow(prepare: PreparePool, sender: BatchSender, spec: TargetSpec, commit: (published: PublishedBatch) => Promise<void>) {
  const window: Promise<void>[] = [];
  let committed: Promise<void> = Promise.resolve();
  let issued: Promise<unknown> = Promise.resolve();
  return {
    async add(records: SourceRecord[]): Promise<void> {
      const { started, done: sending } = publishInOrder(prepare, sender, spec, records, issued);
      // Taken (publishInOrder reads the records before it returns): emptied, so that a reference the connector keeps
      // to its last batch holds no record while the next is read. Records kept that long are promoted out of the
      // young generation, and collecting them there took a fifth of the event loop's time (see sql-pull's read).
      records.length = 0;
      issued = started;
      sending.catch(() => undefined);
      committed = committed.then(() => sending).then(commit);
      committed.catch(() => undefined);
      window.push(committed);
      if (window.length >= BATCHES_IN_FLIGHT) await window.shift();
    },
    drain: () => committed,
  };
}
