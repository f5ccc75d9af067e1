import { registryError } from './errors.ts';

export type VersionId = number | 'latest';

const MAX_VERSION = 0x7fffffff;

/** A version as the REST API names it: a positive integer, or `latest` (also spelled `-1`). Otherwise 42202. */
export function parseVersionId(text: string): VersionId {
  if (text === 'latest' || text === '-1') return 'latest';
  const version = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(version >= 1 && version <= MAX_VERSION)) {
    throw registryError('DX_ERR_REGISTRY_INVALID_VERSION', `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }
  return version;
}
