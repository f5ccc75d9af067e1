import { maskCreditCode } from './credit-code.ts';
import { maskIdNumber } from './id-number.ts';
import { maskMiddle } from './mask.ts';

const ID_NUMBER_LIKE = /\d{17}[\dXx]/g;
const LEGACY_ID_NUMBER_LIKE = /\d{15}/g;
const CREDIT_CODE_LIKE = /[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}/g;

/** Last line of defence for text that may reach logs or dead-letter reasons. */
export function redactIdentifiers(text: string): string {
  return text
    .replace(ID_NUMBER_LIKE, (match) => maskIdNumber(match))
    .replace(CREDIT_CODE_LIKE, (match) => maskCreditCode(match))
    .replace(LEGACY_ID_NUMBER_LIKE, (match) => maskMiddle(match, 6, 0));
}
