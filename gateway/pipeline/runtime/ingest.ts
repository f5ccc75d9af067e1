import type { SourceRecord } from '../../../connectors/types.ts';
import type { PublishedBatch } from '../batch.ts';
import type { Connector } from '../connector-store.ts';
import type { RuntimeDependencies } from './dependencies.ts';
import { publishInOrder } from './ordered-window.ts';
import type { TargetFor } from './targets.ts';

/**
 * Publishes pushed records; resolves after the broker acknowledged them. Nothing is committed yet: the push
 * (push.ts) commits the batch together with the request's answer.
 */
export async function ingest(deps: RuntimeDependencies, targetFor: TargetFor, connector: Connector, records: readonly SourceRecord[]): Promise<PublishedBatch> {
  return publishInOrder(deps.prepare, deps.producer, await targetFor(connector), records).done;
}
