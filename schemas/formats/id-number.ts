import { chinaToday, isCalendarDate, toIsoDate } from './calendar.ts';
import { PROVINCE_CODES } from './division-code.ts';
import { maskMiddle } from './mask.ts';

export const ID_NUMBER_LENGTH = 18;
export const ID_NUMBER_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Nobody born before 1800 was alive when ID numbers were first issued (1984); catches year 0000 and similar. */
export const ID_NUMBER_MIN_BIRTH_YEAR = 1800;

/**
 * The first two digits: a province-level code of GB/T 2260, or 83 (residence permits of Taiwan residents; those of
 * Hong Kong and Macao residents use 81 and 82). Only the province is checked: numbers keep abolished county codes
 * for life.
 */
export const ID_NUMBER_REGION_CODES: ReadonlySet<string> = new Set([...Object.keys(PROVINCE_CODES), '83']);

const BODY_PATTERN = /^\d{17}$/;
const CHECK_PATTERN = /^[\dX]$/;

export type IdNumberProblem =
  | 'length'
  | 'characters'
  | 'region'
  | 'birth-date'
  | 'birth-date-in-future'
  | 'check-character'
  | 'lower-case-x';

export type IdNumberCheck =
  | { readonly valid: true; readonly value: string }
  | { readonly valid: false; readonly problem: IdNumberProblem };

export interface IdNumberCheckOptions {
  /** The time "birth date in the future" is judged at, as a Date or epoch milliseconds (default: now). */
  readonly now?: Date | number;
  /** When true, a lower-case `x` is a problem instead of being normalised; canonical records use this. */
  readonly strict?: boolean;
}

export const ID_NUMBER_PROBLEM_MESSAGES: Readonly<Record<IdNumberProblem, string>> = {
  length: 'must have 18 characters',
  characters: 'must be 17 digits followed by a digit or X',
  region: 'does not start with a province-level region code (GB/T 2260, or 83 for residence permits of Taiwan residents)',
  'birth-date': 'embeds a birth date that is not a real calendar date',
  'birth-date-in-future': 'embeds a birth date in the future',
  'check-character': 'has a wrong check character (GB 11643, ISO 7064 MOD 11-2)',
  'lower-case-x': 'has a lower-case x check character; normalise it to X',
};

export function normaliseIdNumber(input: string): string {
  return input.trim().replace(/x$/, 'X');
}

const ZERO = 48;

export function idNumberWeightedSum(first17: string): number {
  let sum = 0;
  for (let i = 0; i < ID_NUMBER_WEIGHTS.length; i += 1) {
    sum += (first17.charCodeAt(i) - ZERO) * (ID_NUMBER_WEIGHTS[i] ?? 0);
  }
  return sum;
}

/** The check character of 17 digits (not checked: callers do). */
function checkCharacterOf(digits: string): string {
  const check = (12 - (idNumberWeightedSum(digits) % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

export function idNumberCheckCharacter(first17: string): string {
  if (!BODY_PATTERN.test(first17)) throw new Error('ID number body must be 17 digits');
  return checkCharacterOf(first17);
}

export function checkIdNumber(input: string, options: IdNumberCheckOptions = {}): IdNumberCheck {
  const value = normaliseIdNumber(input);
  const problem = findProblem(value, options.now ?? Date.now());
  if (problem !== undefined) return { valid: false, problem };
  if (options.strict === true && value !== input) {
    return { valid: false, problem: input.length === ID_NUMBER_LENGTH ? 'lower-case-x' : 'length' };
  }
  return { valid: true, value };
}

function findProblem(value: string, now: Date | number): IdNumberProblem | undefined {
  if (value.length !== ID_NUMBER_LENGTH) return 'length';
  const body = value.slice(0, 17);
  if (!BODY_PATTERN.test(body) || !CHECK_PATTERN.test(value.charAt(17))) return 'characters';
  if (!ID_NUMBER_REGION_CODES.has(body.slice(0, 2))) return 'region';
  const year = Number(body.slice(6, 10));
  if (year < ID_NUMBER_MIN_BIRTH_YEAR || !isCalendarDate(year, Number(body.slice(10, 12)), Number(body.slice(12, 14)))) {
    return 'birth-date';
  }
  if (toIsoDate(body.slice(6, 14)) > chinaToday(now)) return 'birth-date-in-future';
  if (checkCharacterOf(body) !== value.charAt(17)) return 'check-character';
  return undefined;
}

const LEGACY_PATTERN = /^\d{15}$/;

/**
 * The 18-digit form of a 15-digit ID number issued before 1999 (region, birth date YYMMDD of the 1900s, sequence,
 * no check character): `19` inserted before the year, the MOD 11-2 check character appended. Undefined when the
 * input is not 15 digits with a real birth date; the result is checked like any ID number afterwards.
 */
export function upgradeLegacyIdNumber(input: string): string | undefined {
  if (!LEGACY_PATTERN.test(input)) return undefined;
  if (!isCalendarDate(1900 + Number(input.slice(6, 8)), Number(input.slice(8, 10)), Number(input.slice(10, 12)))) return undefined;
  const body = `${input.slice(0, 6)}19${input.slice(6)}`;
  return body + checkCharacterOf(body);
}

export function isValidIdNumber(input: string, options?: IdNumberCheckOptions): boolean {
  return checkIdNumber(input, options).valid;
}

/** Birth date as `YYYY-MM-DD`; expects a number that passed `checkIdNumber`. */
export function idNumberBirthDate(idNumber: string): string {
  return toIsoDate(idNumber.slice(6, 14));
}

/** GB/T 2261.1 sex code: '1' male when the sequence (17th digit) is odd, '2' female when even. */
export function idNumberSexCode(idNumber: string): '1' | '2' {
  return Number(idNumber.charAt(16)) % 2 === 1 ? '1' : '2';
}

/**
 * Keeps the address code (6) and the check character; hides the birth date and the sequence,
 * so the mask reveals neither age nor sex.
 */
export function maskIdNumber(idNumber: string): string {
  return maskMiddle(idNumber, 6, 1);
}
