/**
 * Canonical record shapes, field for field the v1 schemas (a test checks the fixtures against them).
 * Optional fields are `null` rather than absent, which is what the Avro decoder yields.
 */
export interface PersonRecord {
  id_number: string;
  name: string;
  former_name: string | null;
  sex: string | null;
  ethnicity: string | null;
  birth_date: string | null;
  death_date: string | null;
  registered_address: string | null;
  registered_division_code: string | null;
  residential_address: string | null;
  residential_division_code: string | null;
  id_card_issuing_authority: string | null;
  id_card_valid_from: string | null;
  id_card_valid_until: string | null;
}

export interface OrganisationRecord {
  credit_code: string;
  organisation_code: string | null;
  name: string;
  organisation_type_code: string | null;
  legal_representative_name: string | null;
  legal_representative_id_type: string | null;
  legal_representative_id_number: string | null;
  registered_capital: string | null;
  registered_capital_currency: string | null;
  establishment_date: string | null;
  approval_date: string | null;
  valid_from: string | null;
  valid_until: string | null;
  registration_authority_name: string | null;
  registration_authority_code: string | null;
  registered_address: string | null;
  registered_division_code: string | null;
  business_scope: string | null;
  industry_code: string | null;
  economic_type_code: string | null;
  status: string | null;
}

export interface LicenceRecord {
  licence_number: string;
  licence_identifier: string | null;
  licence_type_code: string | null;
  licence_name: string;
  holder_name: string | null;
  holder_code: string | null;
  holder_code_type: string | null;
  issuing_authority_name: string | null;
  issuing_authority_code: string | null;
  issuing_division_code: string | null;
  issue_date: string | null;
  valid_from: string | null;
  valid_until: string | null;
  status: string | null;
}

export interface CanonicalRecords {
  'population.person': PersonRecord;
  'legal-person.organisation': OrganisationRecord;
  'licence.licence': LicenceRecord;
}

export type CanonicalSchemaName = keyof CanonicalRecords;
