/**
 * The e-licence identifier of GB/T 36904 as implementations build it (the standard's text was not available to
 * check): `1.2.156.3005.2.` + licence type code (a credit code and a 3-digit sequence) + `.` + issuer code (a credit
 * code, or a 6-digit division code in some registers) + `.` + serial + `.` + 3-digit version + `.` + a check
 * character computed with ISO 7064 MOD 37,36 over the four parts written together.
 */
export const LICENCE_IDENTIFIER_ROOT = '1.2.156.3005.2';

const MOD_37_36_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type LicenceIdentifierProblem = 'root' | 'segments' | 'lower-case' | 'type-code' | 'issuer' | 'serial' | 'version' | 'check-character';

export type LicenceIdentifierCheck =
  | { readonly valid: true; readonly value: string }
  | { readonly valid: false; readonly problem: LicenceIdentifierProblem };

export const LICENCE_IDENTIFIER_PROBLEM_MESSAGES: Readonly<Record<LicenceIdentifierProblem, string>> = {
  root: `must start with ${LICENCE_IDENTIFIER_ROOT}. (GB/T 36904)`,
  segments: 'must have five parts after the root: type code, issuer code, serial, version and check character, separated by dots',
  'lower-case': 'has lower-case letters; normalise to upper case',
  'type-code': 'has a type code that is not a credit code followed by 3 digits',
  issuer: 'has an issuer code that is neither an 18-character credit code nor a 6-digit division code',
  serial: 'has a serial that is not digits and upper-case letters',
  version: 'has a version that is not 3 digits',
  'check-character': 'has a wrong check character (ISO 7064 MOD 37,36)',
};

const TYPE_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}\d{3}$/;
const ISSUER = /^(?:[0-9A-HJ-NPQRTUWXY]{18}|\d{6})$/;
const SERIAL = /^[0-9A-Z]+$/;
const VERSION = /^\d{3}$/;

/** ISO 7064 MOD 37,36 (hybrid system, M = 36) over digits and upper-case letters. */
export function mod3736CheckCharacter(text: string): string {
  const modulus = 36;
  let product = modulus;
  for (const char of text) {
    const value = MOD_37_36_ALPHABET.indexOf(char);
    if (value < 0) throw new Error('MOD 37,36 input must be digits and upper-case letters');
    let sum = (product + value) % modulus;
    if (sum === 0) sum = modulus;
    product = (sum * 2) % (modulus + 1);
  }
  return MOD_37_36_ALPHABET.charAt((modulus + 1 - product) % modulus);
}

export function normaliseLicenceIdentifier(input: string): string {
  return input.trim().toUpperCase();
}

function findProblem(value: string): LicenceIdentifierProblem | undefined {
  if (!value.startsWith(`${LICENCE_IDENTIFIER_ROOT}.`)) return 'root';
  const parts = value.slice(LICENCE_IDENTIFIER_ROOT.length + 1).split('.');
  if (parts.length !== 5 || parts.some((part) => part === '')) return 'segments';
  const [typeCode, issuer, serial, version, check] = parts as [string, string, string, string, string];
  if (!TYPE_CODE.test(typeCode)) return 'type-code';
  if (!ISSUER.test(issuer)) return 'issuer';
  if (!SERIAL.test(serial)) return 'serial';
  if (!VERSION.test(version)) return 'version';
  if (check.length !== 1 || mod3736CheckCharacter(`${typeCode}${issuer}${serial}${version}`) !== check) return 'check-character';
  return undefined;
}

/** Strict: lower-case letters are a problem, since two spellings of one identifier must not both reach a topic. */
export function checkLicenceIdentifier(input: string): LicenceIdentifierCheck {
  const upper = normaliseLicenceIdentifier(input);
  const problem = findProblem(upper);
  if (problem !== undefined) return { valid: false, problem };
  if (upper !== input) return { valid: false, problem: 'lower-case' };
  return { valid: true, value: upper };
}

export function isValidLicenceIdentifier(input: string): boolean {
  return checkLicenceIdentifier(input).valid;
}
