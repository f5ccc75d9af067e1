import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { dxError } from '../errors.ts';
import { findTextProblem } from '../security/storable-text.ts';

export interface InputGuardOptions {
  /** Deepest nesting of objects and arrays a body may have. */
  maxDepth: number;
}

/**
 * Refuses, before validation and on every route, a body, query string or path parameter holding text PostgreSQL
 * cannot store (NUL, lone surrogates) or nested deeper than `maxDepth`: 400 DX_ERR_REQUEST_INVALID naming the field.
 * Later stages (validation, the worker hand-over, the database) may then recurse and store text without checking.
 * After validation, a query or path parameter coerced to a number must be finite.
 */
async function inputGuardPlugin(app: FastifyInstance, options: InputGuardOptions): Promise<void> {
  app.addHook('preValidation', async (request) => {
    const problem =
      findTextProblem(request.params, 1, 'params') ??
      findTextProblem(request.query, 2, 'querystring') ??
      findTextProblem(request.body, options.maxDepth);
    if (problem) throw dxError('DX_ERR_REQUEST_INVALID', { message: `${problem.path} ${problem.message}`, details: [problem] });
  });
  // ajv coerces `limit=1e309` or `offset=Infinity` to Infinity and lets it through integer, maximum and strictNumbers alike.
  app.addHook('preHandler', async (request) => {
    const problem = nonFiniteNumber(request.query, 'querystring') ?? nonFiniteNumber(request.params, 'params');
    if (problem) throw dxError('DX_ERR_REQUEST_INVALID', { message: `${problem.path} ${problem.message}`, details: [problem] });
  });
}

/** The first coerced parameter that is a number but not a finite one (values of a parameter given twice included). */
function nonFiniteNumber(parameters: unknown, root: string): { path: string; message: string } | undefined {
  if (parameters === null || typeof parameters !== 'object') return undefined;
  for (const [name, value] of Object.entries(parameters)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'number' && !Number.isFinite(item)) return { path: `${root}.${name}`, message: 'must be a finite number' };
    }
  }
  return undefined;
}

export default fp(inputGuardPlugin, { name: 'dx-input-guard', dependencies: ['dx-error-handler'] });
