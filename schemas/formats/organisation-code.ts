export const ORGANISATION_CODE_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

const BODY_PATTERN = /^[0-9A-Z]{8}$/;
const CODE_PATTERN = /^[0-9A-Z]{8}[0-9X]$/;

/** The legacy 9-character form of GB 11714 (`12345678-9`) is stored without the hyphen. */
export function normaliseOrganisationCode(input: string): string {
  return input.trim().toUpperCase().replace(/^([0-9A-Z]{8})-([0-9X])$/, '$1$2');
}

export function organisationCodeCheckCharacter(body: string): string {
  if (!BODY_PATTERN.test(body)) throw new Error('organisation code body must be 8 digits or upper-case letters');
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number.parseInt(body.charAt(i), 36) * (ORGANISATION_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  return check === 11 ? '0' : String(check);
}

export function isValidOrganisationCode(input: string): boolean {
  return CODE_PATTERN.test(input) && organisationCodeCheckCharacter(input.slice(0, 8)) === input.charAt(8);
}
