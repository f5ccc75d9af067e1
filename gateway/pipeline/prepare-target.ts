import { getCanonicalSchema } from '../../schemas/canonical.ts';
import type { RecordValidator } from '../../schemas/validate.ts';
import { createMapper } from './mapping/apply.ts';
import type { MappingSpec } from './mapping/spec.ts';
import type { PublishTarget } from './publisher.ts';

/** What a publish target is made from: plain data, so a worker thread can build the same target. */
export interface TargetSpec {
  connectorId: string;
  /** Changes whenever the connector does (its updatedAt): a target built from an older spec is rebuilt. */
  version: string;
  schemaName: string;
  schemaId: number;
  topic: string;
  deadLetterTopic: string;
  mapping: MappingSpec;
  /** Source fields a dead letter may carry in clear: mapped only to catalogue items of sensitivity 1 or 2. */
  clearSourceFields: string[];
}

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
