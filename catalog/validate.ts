import { checkCreditCode, CREDIT_CODE_PROBLEM_MESSAGES } from '../schemas/formats/credit-code.ts';
import type { CreateResource, InformationItem, ResourceDocument } from './model.ts';
import { FORMAT_TYPES, KIND_CLASS_DIGIT } from './vocabulary.ts';

export interface Problem {
  path: string;
  message: string;
}

export interface CheckContext {
  /**
   * Field names of the latest schema of `subject`; undefined when the registry has no such subject, null when its
   * schema type has no field list the catalogue reads (the items' fields are then not checked).
   */
  subjectFields(subject: string): Promise<readonly string[] | null | undefined>;
  /** Which of `codes` are codes of resources in the catalogue. */
  existingCodes(codes: readonly string[]): Promise<ReadonlySet<string>>;
}

const blank = (text: string | null | undefined): boolean => text === undefined || text === null || text.trim() === '';

/** The document a create or update body stands for: optional fields filled, texts trimmed. */
export function toDocument(input: CreateResource, provider: { code: string; name: string }, today: string): ResourceDocument {
  const items: InformationItem[] = input.items.map((item) => ({
    name: item.name.trim(),
    canonicalField: item.canonicalField ?? null,
    dataType: item.dataType,
    sensitivity: item.sensitivity,
    masking: item.masking,
    shareable: item.shareable,
    ...(item.verifiable === true ? { verifiable: true } : {}),
    description: blank(item.description) ? null : (item.description as string).trim(),
  }));
  return {
    code: input.code,
    name: input.name.trim(),
    kind: input.kind,
    providerCode: provider.code,
    providerName: provider.name,
    providerCreditCode: input.providerCreditCode ?? null,
    summary: input.summary.trim(),
    keywords: (input.keywords ?? []).map((keyword) => keyword.trim()),
    format: input.format,
    formatType: input.formatType ?? null,
    items,
    sharing: { type: input.sharing.type, condition: blank(input.sharing.condition) ? null : (input.sharing.condition as string).trim(), methods: [...input.sharing.methods] },
    open: { open: input.open.open, condition: blank(input.open.condition) ? null : (input.open.condition as string).trim() },
    updateCycle: input.updateCycle,
    publishDate: input.publishDate ?? today,
    related: input.related ?? [],
    topic: input.topic ?? null,
    schemaSubject: input.schemaSubject ?? null,
  };
}

function firstIndexes<T>(values: readonly T[]): Map<T, number> {
  const first = new Map<T, number>();
  values.forEach((value, index) => {
    if (!first.has(value)) first.set(value, index);
  });
  return first;
}

/**
 * Rules across fields that a JSON Schema cannot say, each problem naming its field: the code's class agrees with
 * the kind; the provider's credit code passes GB 32100; the format type belongs to the format class; conditional sharing states its condition and not shared its legal basis; items are unique and name
 * fields of the schema subject; related codes exist.
 */
export async function checkResource(document: ResourceDocument, context: CheckContext): Promise<Problem[]> {
  const problems: Problem[] = [];
  const expectedClass = KIND_CLASS_DIGIT[document.kind];
  if (!document.code.startsWith(expectedClass)) {
    problems.push({ path: 'code', message: `must start with ${expectedClass} (the class of ${document.kind} resources)` });
  }

  if (document.providerCreditCode !== null) {
    const check = checkCreditCode(document.providerCreditCode, { strict: true });
    if (!check.valid) problems.push({ path: 'providerCreditCode', message: CREDIT_CODE_PROBLEM_MESSAGES[check.problem] });
  }
  if (document.formatType !== null && !FORMAT_TYPES[document.format].includes(document.formatType)) {
    problems.push({ path: 'formatType', message: `is not a type of format ${document.format} (types: ${FORMAT_TYPES[document.format].join(', ')})` });
  }

  const { sharing } = document;
  if (sharing.type === 'conditional' && sharing.condition === null) problems.push({ path: 'sharing.condition', message: 'is required for conditional sharing' });
  if (sharing.type === 'not-shared' && sharing.condition === null) problems.push({ path: 'sharing.condition', message: 'must give the legal basis for not sharing' });
  if (sharing.type === 'not-shared' && sharing.methods.length > 0) problems.push({ path: 'sharing.methods', message: 'must be empty when the resource is not shared' });
  if (sharing.type !== 'not-shared' && sharing.methods.length === 0) problems.push({ path: 'sharing.methods', message: 'must name at least one method' });
  if (sharing.type === 'not-shared' && document.open.open) problems.push({ path: 'open.open', message: 'cannot be true for a resource that is not shared' });

  const names = firstIndexes(document.items.map((item) => item.name));
  const fields = firstIndexes(document.items.map((item) => item.canonicalField));
  const subjectFields = document.schemaSubject === null ? undefined : await context.subjectFields(document.schemaSubject);
  if (document.schemaSubject !== null && subjectFields === undefined) problems.push({ path: 'schemaSubject', message: 'is not a subject of the schema registry' });
  document.items.forEach((item, index) => {
    const first = names.get(item.name) as number;
    if (first !== index) problems.push({ path: `items[${index}].name`, message: `repeats items[${first}].name` });
    if (item.canonicalField === null) return;
    const firstField = fields.get(item.canonicalField) as number;
    if (firstField !== index) problems.push({ path: `items[${index}].canonicalField`, message: `repeats items[${firstField}].canonicalField` });
    if (document.schemaSubject === null) problems.push({ path: `items[${index}].canonicalField`, message: 'needs schemaSubject' });
    else if (subjectFields && !subjectFields.includes(item.canonicalField)) {
      problems.push({ path: `items[${index}].canonicalField`, message: `is not a field of ${document.schemaSubject}` });
    }
  });

  const existing = document.related.length > 0 ? await context.existingCodes(document.related) : new Set<string>();
  document.related.forEach((code, index) => {
    if (code === document.code) problems.push({ path: `related[${index}]`, message: 'is the resource itself' });
    else if (!existing.has(code)) problems.push({ path: `related[${index}]`, message: 'is not the code of a resource in the catalogue' });
  });
  return problems;
}
