import { CREDIT_CODE_PROBLEM_MESSAGES, checkCreditCode } from '../../schemas/formats/credit-code.ts';
import { ID_NUMBER_PROBLEM_MESSAGES, checkIdNumber } from '../../schemas/formats/id-number.ts';
import { cleanText } from '../pipeline/mapping/normalise.ts';
import type { ErrorDetail } from '../errors.ts';

export type KeyCheck = { key: string } | { problem: string };

const MAX_KEY_LENGTH = 100;

/** An identifier as the pipeline makes it: half-width, trimmed, upper case (a lower-case x becomes X). */
function asIdentifier(input: string): string {
  return cleanText(input).toUpperCase();
}

/** Normalises and checks a key of the given kind of field (`id_number`, `credit_code`, any other as free text). */
export function checkKey(field: string | null, input: string): KeyCheck {
  if (field === 'id_number' || field === 'legal_representative_id_number') {
    const check = checkIdNumber(asIdentifier(input));
    return check.valid ? { key: check.value } : { problem: `is not a valid ID number: it ${ID_NUMBER_PROBLEM_MESSAGES[check.problem]}` };
  }
  if (field === 'credit_code') {
    const check = checkCreditCode(asIdentifier(input));
    return check.valid ? { key: check.value } : { problem: `is not a valid unified social credit code: it ${CREDIT_CODE_PROBLEM_MESSAGES[check.problem]}` };
  }
  const key = cleanText(input);
  if (key === '') return { problem: 'must not be empty' };
  if (key.length > MAX_KEY_LENGTH) return { problem: `must have at most ${MAX_KEY_LENGTH} characters` };
  return { key };
}

/** The field a licence holder code is checked as, by its code type (111: citizen ID number, 001: credit code). */
export function holderCodeField(codeType: string): string | null {
  if (codeType === '111') return 'id_number';
  if (codeType === '001') return 'credit_code';
  return null;
}

/** Normalised keys, or every malformed one named by its path. */
export function checkKeys(field: string | null, inputs: readonly { path: string; value: string }[]): { keys: string[]; problems: ErrorDetail[] } {
  const keys: string[] = [];
  const problems: ErrorDetail[] = [];
  for (const { path, value } of inputs) {
    const check = checkKey(field, value);
    if ('key' in check) keys.push(check.key);
    else problems.push({ path, message: check.problem });
  }
  return { keys, problems };
}
