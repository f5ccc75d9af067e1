import type { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { chinaToday } from './calendar.ts';
import { isValidCreditCode } from './credit-code.ts';
import { createDateOrderKeyword } from './date-order.ts';
import { isValidDivisionCode } from './division-code.ts';
import { createIdNumberConsistencyKeyword } from './id-number-consistency.ts';
import { isValidIdNumber } from './id-number.ts';
import { isValidLicenceIdentifier } from './licence-identifier.ts';
import { isValidOrganisationCode } from './organisation-code.ts';

const addFormats = addFormatsPlugin.default;

export const DOMAIN_FORMATS = Object.freeze({
  idNumber: 'cn-id-number',
  creditCode: 'cn-credit-code',
  divisionCode: 'cn-division-code',
  organisationCode: 'cn-organisation-code',
  licenceIdentifier: 'cn-licence-identifier',
} as const);

export interface DomainFormatOptions {
  /** Clock for "birth date not in the future"; injectable so tests do not depend on today. */
  readonly now?: () => Date;
}

/**
 * Whether an ID number is valid (strict), remembering the last answer: the format and the consistency keyword ask
 * about the same ID number one after the other. The answer depends on the day only ("birth date in the future").
 */
function rememberLastIdNumber(clock: () => number): (value: string) => boolean {
  let lastValue: string | undefined;
  let lastDay = '';
  let lastAnswer = false;
  return (value) => {
    const at = clock();
    const day = chinaToday(at);
    if (value !== lastValue || day !== lastDay) {
      lastAnswer = isValidIdNumber(value, { now: at, strict: true });
      lastValue = value;
      lastDay = day;
    }
    return lastAnswer;
  };
}

/**
 * Registers the domain formats, the `date` format of ajv-formats and the cross-field keywords
 * `x-id-number-consistency` and `x-date-order`. The formats accept canonical values only:
 * upper-case X and upper-case letters, because two spellings of one business key must not reach a topic.
 */
export function addDomainFormats<T extends Ajv>(ajv: T, options: DomainFormatOptions = {}): T {
  const { now } = options;
  // Epoch milliseconds: no Date allocated for the two checks of every record unless a test injects a clock.
  const isValidId = rememberLastIdNumber(now === undefined ? () => Date.now() : () => now().getTime());
  addFormats(ajv, ['date']);
  ajv.addFormat(DOMAIN_FORMATS.idNumber, { type: 'string', validate: isValidId });
  ajv.addFormat(DOMAIN_FORMATS.creditCode, {
    type: 'string',
    validate: (value: string) => isValidCreditCode(value, { strict: true }),
  });
  ajv.addFormat(DOMAIN_FORMATS.divisionCode, { type: 'string', validate: isValidDivisionCode });
  ajv.addFormat(DOMAIN_FORMATS.organisationCode, { type: 'string', validate: isValidOrganisationCode });
  ajv.addFormat(DOMAIN_FORMATS.licenceIdentifier, { type: 'string', validate: isValidLicenceIdentifier });
  ajv.addKeyword(createIdNumberConsistencyKeyword(isValidId));
  ajv.addKeyword(createDateOrderKeyword());
  return ajv;
}
