import { parentPort } from 'node:worker_threads';
import type { SourceRecord } from '../../connectors/types.ts';
import { createValidator } from '../../schemas/validate.ts';
import { packBatch } from './packed-batch.ts';
import { buildTarget, type TargetSpec } from './prepare-target.ts';
import { prepareBatch, type PublishTarget } from './publisher.ts';

/** A worker thread that maps, validates and encodes batches for the pipeline (see prepare-pool.ts). */
export interface PrepareRequest {
  id: number;
  spec: TargetSpec;
  records: readonly SourceRecord[];
}

const port = parentPort;
if (port === null) throw new Error('prepare-worker.ts runs as a worker thread');
const validator = createValidator();
const targets = new Map<string, { version: string; target: PublishTarget }>();

function targetFor(spec: TargetSpec): PublishTarget {
  const known = targets.get(spec.connectorId);
  if (known?.version === spec.version) return known.target;
  const target = buildTarget(spec, validator);
  targets.set(spec.connectorId, { version: spec.version, target });
  return target;
}

port.on('message', (request: PrepareRequest) => {
  try {
    const { packed, transfer } = packBatch(prepareBatch(targetFor(request.spec), request.records));
    port.postMessage({ id: request.id, packed }, transfer);
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
