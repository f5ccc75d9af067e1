import { dxError, type DxError, type ErrorCode, type ErrorDetail } from '../errors.ts';

const UNIQUE_VIOLATION = '23505';

/** What a violated unique key means to the caller: the error code and the field it names. */
export interface UniqueKeyMeaning {
  code: ErrorCode;
  detail: Required<ErrorDetail>;
}

/**
 * The caller's error for a PostgreSQL unique-key violation (`23505`): by constraint name in `byConstraint`, else
 * `otherwise` when given; undefined for any other error, or a constraint this caller does not name.
 */
export function uniqueViolation(err: unknown, byConstraint: Record<string, UniqueKeyMeaning>, otherwise?: UniqueKeyMeaning): DxError | undefined {
  const { code, constraint } = (err ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== UNIQUE_VIOLATION) return undefined;
  const meaning = (typeof constraint === 'string' ? byConstraint[constraint] : undefined) ?? otherwise;
  return meaning === undefined ? undefined : dxError(meaning.code, { details: [meaning.detail], cause: err });
}

/** Runs `work`, turning a unique-key violation it throws into the caller's error (see `uniqueViolation`). */
export async function translatingUniqueViolations<T>(work: () => Promise<T>, byConstraint: Record<string, UniqueKeyMeaning>, otherwise?: UniqueKeyMeaning): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw uniqueViolation(err, byConstraint, otherwise) ?? err;
  }
}
