import { getCanonicalSchema } from '../../../schemas/canonical.ts';
import type { RecordValidator } from '../../../schemas/validate.ts';
import type { PublishTarget, TargetSpec } from '../batch.ts';
import { createMapper } from '../mapping/apply.ts';

export type { TargetSpec } from '../batch.ts';

export function buildTarget(spec: TargetSpec, validator: RecordValidator): PublishTarget {
  const schema = getCanonicalSchema(spec.schemaName as never);
  return {
    connectorId: spec.connectorId,
    schema,
    schemaId: spec.schemaId,
    topic: spec.topic,
    deadLetterTopic: spec.deadLetterTopic,
    map: createMapper(spec.mapping, schema),
    validator,
    clearSourceFields: new Set(spec.clearSourceFields),
  };
}

/**
 * Targets by connector, rebuilt when the connector's version changes; the least recently used is dropped beyond
 * `maxEntries`, so deleted connectors do not stay forever.
 */
export function createTargetCache(validator: RecordValidator, maxEntries = 1000) {
  const targets = new Map<string, { version: string; target: PublishTarget }>();
  return {
    get(spec: TargetSpec): PublishTarget {
      let known = targets.get(spec.connectorId);
      targets.delete(spec.connectorId);
      if (known?.version !== spec.version) known = { version: spec.version, target: buildTarget(spec, validator) };
      targets.set(spec.connectorId, known);
      if (targets.size > maxEntries) targets.delete(targets.keys().next().value as string);
      return known.target;
    },
  };
}
