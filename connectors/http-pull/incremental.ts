import type { JsonValue } from '../types.ts';
import type { IncrementalConfig } from './config.ts';
import { HttpPullError } from './errors.ts';
import { isJsonObject, valueAt } from './json-path.ts';
import type { Scalar } from './pages.ts';

/**
 * Tracks the incremental position `{ value, count }`: the field value of the last record delivered and how many
 * delivered records carry that value. Sources differ in whether `param=value` means "after" or "from" that value,
 * so records at or below the position are dropped here: below it, or among the first `count` records sharing it.
 */
export interface IncrementalTracker {
  /** The value to send as the parameter, undefined on a first run without `initial`. */
  paramValue(): Scalar | undefined;
  /** Starts dropping what was already delivered as of now; call before the run's first request (and, when each request re-sends the latest value, before each). */
  mark(): void;
  /** The offset of a record to deliver, or undefined when it was already delivered. */
  accept(record: Record<string, unknown>, where: string): JsonValue | undefined;
  /** True once the tracker has a position (a stored one or a delivered record). */
  hasPosition(): boolean;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

/** Numbers compare as numbers; anything else as text, so ISO 8601 times written alike compare in time order. */
export function compareValues(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export function createIncrementalTracker(config: IncrementalConfig, stored: JsonValue | undefined): IncrementalTracker {
  let value: Scalar | undefined;
  let count = 0;
  if (stored !== undefined && stored !== null) {
    if (!isJsonObject(stored) || !isScalar(stored.value) || !Number.isInteger(stored.count) || (stored.count as number) < 1) {
      throw new HttpPullError('DX_ERR_HTTP_PULL_OFFSET', `stored offset ${JSON.stringify(stored)} is not an incremental position; reset the connector's offset after changing its mode`);
    }
    value = stored.value;
    count = stored.count as number;
  }
  let floor: { value: Scalar; count: number } | undefined;
  let tiesAtFloor = 0;

  return {
    paramValue: () => value ?? config.initial,
    mark() {
      floor = value === undefined ? undefined : { value, count };
      tiesAtFloor = 0;
    },
    hasPosition: () => value !== undefined,
    accept(record, where) {
      const field = valueAt(record, config.field);
      if (!isScalar(field)) {
        throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `${where}: a record has no usable ${config.field} (found ${field === undefined ? 'nothing' : JSON.stringify(field)}); incremental reading needs it in every record`);
      }
      if (floor !== undefined) {
        const order = compareValues(field, floor.value);
        if (order < 0) return undefined;
        if (order === 0 && ++tiesAtFloor <= floor.count) return undefined;
      }
      if (value !== undefined) {
        const order = compareValues(field, value);
        if (order < 0) {
          throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `${where}: records are not in ascending order of ${config.field} (${JSON.stringify(field)} came after ${JSON.stringify(value)})`);
        }
        if (order === 0) {
          count += 1;
          return { value, count };
        }
      }
      value = field;
      count = 1;
      return { value, count };
    },
  };
}
