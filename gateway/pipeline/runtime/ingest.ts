import type { SourceRecord } from '../../../connectors/types.ts';
import type { PublishedBatch } from '../batch.ts';
import type { Connector } from '../connector-store.ts';
import type { RuntimeDependencies } from './dependencies.ts';
import { publishInOrder } from './ordered-window.ts';
import type { TargetFor } from './targets.ts';

/** Publishes pushed records; resolves after the broker acknowledged them and the counts were committed. */
export async function ingest(deps: RuntimeDependencies, targetFor: TargetFor, connector: Connector, records: readonly SourceRecord[]): Promise<PublishedBatch> {
  const published = await publishInOrder(deps.prepare, deps.producer, await targetFor(connector), records).done;
  await deps.store.commitBatch(connector.id, null, { ...published, offsets: new Map() });
  return published;
}
