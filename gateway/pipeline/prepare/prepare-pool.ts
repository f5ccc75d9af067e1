import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SourceRecord } from '../../../connectors/types.ts';
import type { RecordValidator } from '../../../schemas/validate.ts';
import type { PackedBatch, PreparedBatch, TargetSpec } from '../batch.ts';
import { unpackBatch } from './packed-batch.ts';
import { prepareBatch } from './prepare-batch.ts';
import { createTargetCache } from './prepare-target.ts';
import { toColumns } from './record-columns.ts';
import type { PrepareRequest } from './prepare-worker.ts';

// Compiled into build/, the worker is plain JavaScript; run from the TypeScript sources, it goes through an entry
// that registers tsx first (worker threads do not inherit the loader).
const COMPILED = import.meta.url.endsWith('.js');
const WORKER = COMPILED
  ? { entry: new URL('./prepare-worker.js', import.meta.url), workerData: undefined }
  : { entry: new URL('./worker-entry.mjs', import.meta.url), workerData: { module: new URL('./prepare-worker.ts', import.meta.url).href } };

type Reply = { id: number; packed: PackedBatch } | { id: number; error: string };

interface Pending {
  resolve(batch: PreparedBatch): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Maps, validates and encodes batches off the event loop, in `size` worker threads, so that reading the source
 * and talking to Kafka keep a core to themselves; with `size` 0, on the calling thread. A worker that dies fails
 * its batches (the runtime retries them) and is replaced. Records that cannot be cloned to a worker (exotic
 * driver types) are prepared here instead.
 */
export function createPreparePool(options: { size: number; validator: RecordValidator; log: Logger }) {
  const threads: (Thread | undefined)[] = Array.from({ length: options.size }, () => undefined);
  const localTargets = createTargetCache(options.validator);
  let nextId = 0;
  let closed = false;

  async function prepareHere(spec: TargetSpec, records: readonly SourceRecord[]): Promise<PreparedBatch> {
    return unpackBatch(prepareBatch(localTargets.get(spec), records));
  }

  function start(slot: number): Thread {
    const worker = new Worker(WORKER.entry, { workerData: WORKER.workerData, name: `dx-prepare-${slot}` });
    const thread: Thread = { worker, pending: new Map() };
    // The batches of a worker that died are failed as retriable: the runtime runs the attempt again from the
    // committed offsets, on a new worker.
    const fail = (error: Error) => {
      if (threads[slot] === thread) threads[slot] = undefined;
      const retriable = Object.assign(new Error(`prepare worker stopped: ${error.message}`, { cause: error }), { retriable: true });
      for (const waiting of thread.pending.values()) waiting.reject(retriable);
      thread.pending.clear();
    };
    worker.on('message', (reply: Reply) => {
      const waiting = thread.pending.get(reply.id);
      if (waiting === undefined) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if ('error' in reply) return waiting.reject(new Error(`preparing a batch failed: ${reply.error}`));
      try {
        waiting.resolve(unpackBatch(reply.packed));
      } catch (error) {
        waiting.reject(error as Error);
      }
    });
    worker.on('messageerror', (error) => {
      options.log.error({ err: error }, 'a prepare worker sent an unreadable answer; its batches are retried');
      fail(error);
      void worker.terminate();
    });
    worker.on('error', (error) => {
      options.log.error({ err: error }, 'a prepare worker failed; its batches are retried');
      fail(error);
    });
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    // An idle worker does not keep the process alive; a busy one does, until its batches are back.
    worker.unref();
    threads[slot] = thread;
    return thread;
  }

  /** The worker with the fewest batches waiting (started if needed). */
  function leastBusy(): Thread {
    let best: Thread | undefined;
    for (let slot = 0; slot < threads.length; slot++) {
      const thread = threads[slot] ?? start(slot);
      if (best === undefined || thread.pending.size < best.pending.size) best = thread;
    }
    return best as Thread;
  }

  return {
    /** Reads `records` before it returns (copied to a worker or prepared here): the caller may then empty the array. */
    prepare(spec: TargetSpec, records: readonly SourceRecord[]): Promise<PreparedBatch> {
      if (closed) return Promise.reject(new Error('the prepare pool is closed'));
      if (threads.length === 0) return prepareHere(spec, records);
      const id = nextId++;
      return new Promise<PreparedBatch>((resolve, reject) => {
        let thread: Thread;
        try {
          thread = leastBusy();
          thread.worker.postMessage({ id, spec, records: toColumns(records) } satisfies PrepareRequest);
        } catch (error) {
          if ((error as Error).name !== 'DataCloneError') return reject(error);
          return void prepareHere(spec, records).then(resolve, reject);
        }
        thread.pending.set(id, { resolve, reject });
        thread.worker.ref();
      });
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.all(threads.map((thread) => thread?.worker.terminate()));
    },
  };
}

export type PreparePool = ReturnType<typeof createPreparePool>;
