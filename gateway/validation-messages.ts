// The formatter lives in schemas/validation-errors.ts, where the gateway, the schemas and the connectors all reach it.
export { boundedProblems, fieldProblems, formatErrors, MAX_PROBLEMS, type BoundedProblems, type FieldProblem } from '../schemas/validation-errors.ts';
