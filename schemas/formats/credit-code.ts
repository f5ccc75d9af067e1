import { isValidDivisionCode } from './division-code.ts';
import { maskMiddle } from './mask.ts';

export const CREDIT_CODE_LENGTH = 18;
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let weight = 1;
  for (let k = 0; k < i; k += 1) weight = (weight * 3) % 31;
  return weight;
});

export type CreditCodeProblem = 'length' | 'characters' | 'division' | 'check-character' | 'lower-case';

export type CreditCodeCheck =
  | { readonly valid: true; readonly value: string }
  | { readonly valid: false; readonly problem: CreditCodeProblem };

export interface CreditCodeCheckOptions {
  /** When true, lower-case letters are a problem instead of being normalised; canonical records use this. */
  readonly strict?: boolean;
}

export const CREDIT_CODE_PROBLEM_MESSAGES: Readonly<Record<CreditCodeProblem, string>> = {
  length: 'must have 18 characters',
  characters: 'uses a character outside the GB 32100 alphabet (digits and upper-case letters except I, O, S, V, Z)',
  division: 'must have an administrative division code in positions 3-8 (GB/T 2260: a province-level code first, or 100000 for national authorities)',
  'check-character': 'has a wrong check character (GB 32100)',
  'lower-case': 'has lower-case letters; normalise to upper case',
};

/** Authorities registered at national level carry 100000, which is no division of GB/T 2260 itself. */
export const NATIONAL_DIVISION_CODE = '100000';

export function isCreditCodeDivision(division: string): boolean {
  return division === NATIONAL_DIVISION_CODE || isValidDivisionCode(division);
}

export function normaliseCreditCode(input: string): string {
  return input.trim().toUpperCase();
}

export function creditCodeCharValue(char: string): number {
  return char.length === 1 ? CREDIT_CODE_ALPHABET.indexOf(char) : -1;
}

export function creditCodeWeightedSum(first17: string): number {
  let sum = 0;
  for (let i = 0; i < CREDIT_CODE_WEIGHTS.length; i += 1) {
    sum += creditCodeCharValue(first17.charAt(i)) * (CREDIT_CODE_WEIGHTS[i] ?? 0);
  }
  return sum;
}

export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17 || [...first17].some((c) => creditCodeCharValue(c) < 0)) {
    throw new Error('credit code body must be 17 characters of the GB 32100 alphabet');
  }
  const check = 31 - (creditCodeWeightedSum(first17) % 31);
  return check === 31 ? '0' : CREDIT_CODE_ALPHABET.charAt(check);
}

export function checkCreditCode(input: string, options: CreditCodeCheckOptions = {}): CreditCodeCheck {
  const value = normaliseCreditCode(input);
  const problem = findProblem(value);
  if (problem !== undefined) return { valid: false, problem };
  if (options.strict === true && value !== input) {
    return { valid: false, problem: input.length === CREDIT_CODE_LENGTH ? 'lower-case' : 'length' };
  }
  return { valid: true, value };
}

function findProblem(value: string): CreditCodeProblem | undefined {
  if (value.length !== CREDIT_CODE_LENGTH) return 'length';
  if ([...value].some((c) => creditCodeCharValue(c) < 0)) return 'characters';
  if (!isCreditCodeDivision(value.slice(2, 8))) return 'division';
  if (creditCodeCheckCharacter(value.slice(0, 17)) !== value.charAt(17)) return 'check-character';
  return undefined;
}

export function isValidCreditCode(input: string, options?: CreditCodeCheckOptions): boolean {
  return checkCreditCode(input, options).valid;
}

/** Keeps authority, type and division (positions 1-8) and the check character; hides the organisation code. */
export function maskCreditCode(creditCode: string): string {
  return maskMiddle(creditCode, 8, 1);
}
