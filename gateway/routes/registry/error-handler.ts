import type { FastifyError, FastifyInstance } from 'fastify';
import { REGISTRY_ERRORS, RegistryError } from '../../../schemas/registry/index.ts';
import { formatErrors } from '../../../schemas/validation-errors.ts';
import { DxError } from '../../errors.ts';

interface Rendered {
  status: number;
  errorCode: number;
  message: string;
}

function render(error: FastifyError | Error): Rendered {
  if (error instanceof RegistryError) return { status: error.statusCode, errorCode: error.errorCode, message: error.message };
  // The audit log or the database refused: nothing was changed, and a retry may succeed.
  if (error instanceof DxError && error.statusCode === 503) return { status: 503, errorCode: REGISTRY_ERRORS.DX_ERR_REGISTRY_STORE.errorCode, message: error.message };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const root = fastifyError.validationContext === 'body' ? '' : fastifyError.validationContext ?? '';
    const { status, errorCode } = REGISTRY_ERRORS.DX_ERR_REGISTRY_REQUEST_INVALID;
    return { status, errorCode, message: formatErrors(fastifyError.validation as never, root).join('; ') };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { status, errorCode: status, message: error.message };
  const { status: storeStatus, errorCode, message } = REGISTRY_ERRORS.DX_ERR_REGISTRY_STORE;
  return { status: storeStatus, errorCode, message };
}

/** Renders the registry's errors as Confluent does, `{ error_code, message }`; 5xx causes go to the log only. */
export function registryErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const rendered = render(error as Error);
    if (rendered.status >= 500) request.log.error({ err: error }, 'schema registry request failed');
    return reply.status(rendered.status).send({ error_code: rendered.errorCode, message: rendered.message });
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, errorCode } = REGISTRY_ERRORS.DX_ERR_REGISTRY_ROUTE_NOT_FOUND;
    return reply.status(status).send({ error_code: errorCode, message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });
}
