import type { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { isValidCreditCode } from './credit-code.ts';
import { createDateOrderKeyword } from './date-order.ts';
import { isValidDivisionCode } from './division-code.ts';
import { createIdNumberConsistencyKeyword } from './id-number-consistency.ts';
import { isValidIdNumber } from './id-number.ts';
import { isValidOrganisationCode } from './organisation-code.ts';

const addFormats = addFormatsPlugin.default;

export const DOMAIN_FORMATS = Object.freeze({
  idNumber: 'cn-id-number',
  creditCode: 'cn-credit-code',
  divisionCode: 'cn-division-code',
  organisationCode: 'cn-organisation-code',
} as const);

export interface DomainFormatOptions {
  /** Clock for "birth date not in the future"; injectable so tests do not depend on today. */
  readonly now?: () => Date;
}

/**
 * Registers the domain formats, the `date` format of ajv-formats and the cross-field keywords
 * `x-id-number-consistency` and `x-date-order`. The formats accept canonical values only:
 * upper-case X and upper-case letters, because two spellings of one business key must not reach a topic.
 */
export function addDomainFormats<T extends Ajv>(ajv: T, options: DomainFormatOptions = {}): T {
  const now = options.now ?? (() => new Date());
  addFormats(ajv, ['date']);
  ajv.addFormat(DOMAIN_FORMATS.idNumber, {
    type: 'string',
    validate: (value: string) => isValidIdNumber(value, { now: now(), strict: true }),
  });
  ajv.addFormat(DOMAIN_FORMATS.creditCode, {
    type: 'string',
    validate: (value: string) => isValidCreditCode(value, { strict: true }),
  });
  ajv.addFormat(DOMAIN_FORMATS.divisionCode, { type: 'string', validate: isValidDivisionCode });
  ajv.addFormat(DOMAIN_FORMATS.organisationCode, { type: 'string', validate: isValidOrganisationCode });
  ajv.addKeyword(createIdNumberConsistencyKeyword(now));
  ajv.addKeyword(createDateOrderKeyword());
  return ajv;
}
