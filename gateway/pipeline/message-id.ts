import { hash } from 'node:crypto';
import type { JsonValue } from '../../connectors/types.ts';

/**
 * A deterministic id per source record: the same row read twice (after a crash, a retry or a replay of the same
 * offsets) gets the same id, so consumers can drop duplicates.
 */
export function messageId(connectorId: string, partition: string, offset: JsonValue): string {
  return hash('sha256', `${connectorId}\u0000${partition}\u0000${JSON.stringify(offset)}`, 'hex').slice(0, 32);
}
