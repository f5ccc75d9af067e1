import type { ErrorObject } from 'ajv';

export interface FieldProblem {
  path: string;
  message: string;
}

/** Turns ajv errors into field paths a user recognises (`a.b[0].c`), naming missing properties too. */
export function fieldProblems(errors: ErrorObject[], root = ''): FieldProblem[] {
  return errors
    .filter((error) => error.keyword !== 'if' && error.keyword !== 'anyOf')
    .map((error) => {
      const pointer = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (error.keyword === 'required') pointer.push(String(error.params.missingProperty));
      if (error.keyword === 'additionalProperties') pointer.push(String(error.params.additionalProperty));
      const path = pointer.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), root);
      return { path: path || '(body)', message: describe(error) };
    })
    .filter((problem, index, all) => all.findIndex((other) => other.path === problem.path && other.message === problem.message) === index);
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
