import { hash } from 'node:crypto';

/**
 * A deterministic id per source record: the same row read twice (after a crash, a retry or a replay of the same
 * offsets) gets the same id, so consumers can drop duplicates. `offsetJson` is the offset as JSON.
 */
export function messageId(connectorId: string, partition: string, offsetJson: string): string {
  return hash('sha256', `${connectorId}\u0000${partition}\u0000${offsetJson}`, 'hex').slice(0, 32);
}
