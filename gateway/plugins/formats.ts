import type { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

/** ajv plugin giving request schemas the standard formats (date-time, uuid, uri, ...). */
export function formatsPlugin(ajv: Ajv): Ajv {
  return addFormats.default(ajv);
}
