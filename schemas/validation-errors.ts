import type { ErrorObject } from 'ajv';

/**
 * The one way a failing field is named wherever users see it (request errors, record rejections, dead letters,
 * config problems): property names joined by dots, array indices in brackets, `items[0].name`, under an optional
 * root (`querystring.limit`, `config.auth.token`). The record or body itself is `''`.
 */
export function fieldPath(segments: readonly (string | number)[], root = ''): string {
  let path = root;
  for (const segment of segments) {
    const text = String(segment);
    path = /^\d+$/.test(text) ? `${path}[${text}]` : path ? `${path}.${text}` : text;
  }
  return path;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON pointer (`/items/0/name`, as ajv's `instancePath`) as a field path (`items[0].name`). */
export function pointerPath(pointer: string, root = ''): string {
  return fieldPath(pointerSegments(pointer), root);
}

/** The field an ajv error is about: its instance path, plus the missing or unknown property it names. */
export function ajvErrorPath(error: ErrorObject, root = ''): string {
  const path = pointerPath(error.instancePath, root);
  const property = error.keyword === 'required' ? error.params.missingProperty : error.keyword === 'additionalProperties' ? error.params.additionalProperty : undefined;
  // A property, never an index, even when its name is all digits (an ID number sent as a field name).
  return property === undefined ? path : path ? `${path}.${String(property)}` : String(property);
}

/** What is wrong with that field, as a predicate: `is required`, `must be one of a, b`. */
export function ajvErrorMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${String(error.params.allowedValue)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** Problems listed in one answer; past it, only their count (a push of 500,000 numbers has 500,000). */
export const MAX_PROBLEMS = 100;

export interface BoundedProblems {
  problems: FieldProblem[];
  /** Errors past the first `max` distinct problems, not described. */
  more: number;
}

/** `if` and `anyOf` errors only repeat the errors of their branches. */
const summarises = (error: ErrorObject) => error.keyword === 'if' || error.keyword === 'anyOf';

/**
 * The first `max` distinct problems of ajv `errors`, each a path (`(body)` for the body itself) and a message, and
 * how many errors follow them, in time linear in the number of errors.
 */
export function boundedProblems(errors: readonly ErrorObject[], root = '', max = MAX_PROBLEMS): BoundedProblems {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  let index = 0;
  for (; index < errors.length && problems.length < max; index++) {
    const error = errors[index] as ErrorObject;
    if (summarises(error)) continue;
    const problem = { path: ajvErrorPath(error, root) || '(body)', message: ajvErrorMessage(error) };
    const identity = `${problem.path}\u0000${problem.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    problems.push(problem);
  }
  let more = 0;
  for (; index < errors.length; index++) if (!summarises(errors[index] as ErrorObject)) more++;
  return { problems, more };
}

/** The first MAX_PROBLEMS distinct problems of `errors`. */
export function fieldProblems(errors: readonly ErrorObject[], root = ''): FieldProblem[] {
  return boundedProblems(errors, root).problems;
}

/** The same problems as lines `path message`, for logs and start-up errors. */
export function formatErrors(errors: readonly ErrorObject[], root = ''): string[] {
  return fieldProblems(errors, root).map((problem) => `${problem.path} ${problem.message}`);
}
