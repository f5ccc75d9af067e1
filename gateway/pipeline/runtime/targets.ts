import type { TargetSpec } from '../batch.ts';
import type { Connector } from '../connector-store.ts';
import { clearSourceFields as clearSourceFieldsOf } from '../encode/dead-letter.ts';
import type { RuntimeDependencies } from './dependencies.ts';

const CATALOGUE_RECHECK_MS = 30_000;

/**
 * What each connector's batches are prepared for, its topics created and its schema registered first. The
 * catalogue's sensitivity levels (what a dead letter may carry in clear) are read again after CATALOGUE_RECHECK_MS.
 */
export function createTargets(deps: Pick<RuntimeDependencies, 'store' | 'ensureTopic' | 'schemaIdFor'>) {
  const targets = new Map<string, { spec: TargetSpec; updatedAt: string; checkedAt: number }>();

  return async function targetFor(connector: Connector): Promise<TargetSpec> {
    const cached = targets.get(connector.id);
    const now = Date.now();
    if (cached?.updatedAt === connector.updatedAt && now - cached.checkedAt < CATALOGUE_RECHECK_MS) return cached.spec;
    const items = await deps.store.resourceItems(connector.topic);
    const clearSourceFields = clearSourceFieldsOf(connector.mapping, items);
    if (cached?.updatedAt === connector.updatedAt && cached.spec.clearSourceFields.join() === clearSourceFields.join()) {
      cached.checkedAt = now;
      return cached.spec;
    }
    if (cached?.updatedAt !== connector.updatedAt) await Promise.all([deps.ensureTopic(connector.topic), deps.ensureTopic(connector.deadLetterTopic)]);
    const spec: TargetSpec = {
      connectorId: connector.id,
      version: `${connector.updatedAt}/${now}`,
      schemaName: connector.schemaName,
      schemaId: await deps.schemaIdFor(connector.schemaName),
      topic: connector.topic,
      deadLetterTopic: connector.deadLetterTopic,
      mapping: connector.mapping,
      clearSourceFields,
    };
    targets.set(connector.id, { spec, updatedAt: connector.updatedAt, checkedAt: now });
    return spec;
  };
}

export type TargetFor = ReturnType<typeof createTargets>;
