import type { ErrorObject } from 'ajv';

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

function problemOf(error: ErrorObject, root: string): FieldProblem {
  const pointer = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') pointer.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') pointer.push(String(error.params.additionalProperty));
  const path = pointer.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), root);
  return { path: path || '(body)', message: describe(error) };
}

/**
 * Turns ajv errors into field paths a user recognises (`a.b[0].c`), naming missing properties too: the first `max`
 * distinct problems, and how many errors follow them, in time linear in the number of errors.
 */
export function boundedProblems(errors: ErrorObject[], root = '', max = MAX_PROBLEMS): BoundedProblems {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  let index = 0;
  for (; index < errors.length && problems.length < max; index++) {
    const error = errors[index] as ErrorObject;
    if (error.keyword === 'if' || error.keyword === 'anyOf') continue;
    const problem = problemOf(error, root);
    const identity = `${problem.path}\u0000${problem.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    problems.push(problem);
  }
  let more = 0;
  for (; index < errors.length; index++) {
    const keyword = (errors[index] as ErrorObject).keyword;
    if (keyword !== 'if' && keyword !== 'anyOf') more++;
  }
  return { problems, more };
}

/** The first MAX_PROBLEMS distinct problems of `errors`. */
export function fieldProblems(errors: ErrorObject[], root = ''): FieldProblem[] {
  return boundedProblems(errors, root).problems;
}

function describe(error: ErrorObject): string {
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

export function formatErrors(errors: ErrorObject[], root = ''): string[] {
  return fieldProblems(errors, root).map((problem) => `${problem.path} ${problem.message}`);
}
