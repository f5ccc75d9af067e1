import { parentPort } from 'node:worker_threads';
import { createValidator } from '../../../schemas/validate.ts';
import type { TargetSpec } from '../batch.ts';
import { transferables } from './packed-batch.ts';
import { prepareBatch } from './prepare-batch.ts';
import { createTargetCache } from './prepare-target.ts';
import { fromColumns, type RecordColumns } from './record-columns.ts';

/** A worker thread that maps, validates and encodes batches for the pipeline (see prepare-pool.ts). */
export interface PrepareRequest {
  id: number;
  spec: TargetSpec;
  records: RecordColumns;
}

const port = parentPort;
if (port === null) throw new Error('prepare-worker.ts runs as a worker thread');
const targets = createTargetCache(createValidator());

port.on('message', (request: PrepareRequest) => {
  try {
    const packed = prepareBatch(targets.get(request.spec), fromColumns(request.records));
    port.postMessage({ id: request.id, packed }, transferables(packed));
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
