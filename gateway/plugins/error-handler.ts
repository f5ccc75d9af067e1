import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DxError, ERROR_CATALOGUE } from '../errors.ts';
import { boundedProblems } from '../validation-messages.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';

function toDxError(error: FastifyError | Error): DxError {
  if (error instanceof DxError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const root = fastifyError.validationContext === 'body' ? '' : fastifyError.validationContext ?? '';
    const { problems: details, more } = boundedProblems(fastifyError.validation as never, root);
    const listed = details.map((d) => `${d.path} ${d.message}`).join('; ');
    return new DxError('DX_ERR_REQUEST_INVALID', { message: more > 0 ? `${listed}; and ${more} more errors not listed` : listed, details });
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new DxError('DX_ERR_PAYLOAD_TOO_LARGE');
  if (fastifyError.statusCode === 429) return new DxError('DX_ERR_RATE_LIMITED', { message: error.message });
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new DxError('DX_ERR_REQUEST_INVALID', { message: error.message });
  }
  if (isDatabaseUnavailable(error)) return new DxError('DX_ERR_DB_UNAVAILABLE', { cause: error });
  return new DxError('DX_ERR_INTERNAL', { cause: error });
}

/** Renders every error as `{ code, message, details }`; 5xx details stay in the log. */
async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const dx = toDxError(error as Error);
    if (dx.statusCode >= 500) {
      request.log.error({ err: dx.cause ?? error, code: dx.code }, 'request failed');
      return reply.status(dx.statusCode).send({ code: dx.code, message: ERROR_CATALOGUE[dx.code].message });
    }
    return reply.status(dx.statusCode).send({ code: dx.code, message: dx.message, ...(dx.details ? { details: dx.details } : {}) });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'DX_ERR_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });
}

export default fp(errorHandler, { name: 'dx-error-handler' });
