import { normaliseOrganisationCode, isValidOrganisationCode } from './organisation-code.ts';

/** A soft rule broken: the record is published all the same, the warning travels with it. */
export interface DataQualityWarning {
  /** The field the warning is about (schemas/validation-errors.ts). */
  readonly path: string;
  readonly rule: string;
  /** Safe to log: names no identifier. */
  readonly message: string;
}

export const CREDIT_CODE_WARNING_RULES = Object.freeze({
  embeddedOrganisationCode: 'x-credit-code-organisation-code',
  organisationCodeMatch: 'x-organisation-code-match',
} as const);

/** Positions 9-17 of a credit code: the GB 11714 organisation code it embeds. */
export function embeddedOrganisationCode(creditCode: string): string {
  return creditCode.slice(8, 17);
}

/** Whether the organisation code inside a credit code passes its own GB 11714 check. */
export function hasValidEmbeddedOrganisationCode(creditCode: string): boolean {
  return creditCode.length === 18 && isValidOrganisationCode(embeddedOrganisationCode(creditCode));
}

/**
 * The soft rules between a credit code and an organisation code (GB 32100 positions 9-17, GB 11714): real registers
 * hold credit codes whose embedded organisation code fails its check, and records whose `organisation_code` differs,
 * so these are data-quality warnings, never rejections. Expects a credit code that passed its own check.
 */
export function creditCodeWarnings(record: { credit_code?: unknown; organisation_code?: unknown }): DataQualityWarning[] {
  const creditCode = record.credit_code;
  if (typeof creditCode !== 'string' || creditCode.length !== 18) return [];
  const warnings: DataQualityWarning[] = [];
  if (!hasValidEmbeddedOrganisationCode(creditCode)) {
    warnings.push({ path: 'credit_code', rule: CREDIT_CODE_WARNING_RULES.embeddedOrganisationCode, message: 'credit_code embeds an organisation code (positions 9-17) whose GB 11714 check character is wrong' });
  }
  const organisationCode = record.organisation_code;
  if (typeof organisationCode === 'string' && organisationCode !== '' && normaliseOrganisationCode(organisationCode) !== embeddedOrganisationCode(creditCode)) {
    warnings.push({ path: 'organisation_code', rule: CREDIT_CODE_WARNING_RULES.organisationCodeMatch, message: 'organisation_code differs from the organisation code inside credit_code (positions 9-17)' });
  }
  return warnings;
}
