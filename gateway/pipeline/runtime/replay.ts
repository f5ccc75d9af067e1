import type { SourceRecord } from '../../../connectors/types.ts';
import type { PublishedBatch } from '../batch.ts';
import type { Connector } from '../connector-store.ts';
import type { RuntimeDependencies } from './dependencies.ts';
import { publishInOrder } from './ordered-window.ts';
import type { TargetFor } from './targets.ts';

export interface QuarantinedRecord {
  id: number;
  partition: string;
  offset: SourceRecord['offset'];
  source: Record<string, unknown>;
}

/** Publishes quarantined records again through the current mapping; offsets do not move. */
export async function replay(deps: RuntimeDependencies, targetFor: TargetFor, connector: Connector, rejected: QuarantinedRecord[]): Promise<PublishedBatch> {
  const records = rejected.map((row) => ({ partition: row.partition, offset: row.offset, value: row.source }));
  const published = await publishInOrder(deps.prepare, deps.producer, await targetFor(connector), records).done;
  await deps.store.commitBatch(connector.id, null, { ...published, offsets: new Map() });
  await deps.store.markReplayed(rejected.map((row) => row.id));
  return published;
}
