import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Error code from the catalogue, DX_ERR_<AREA>_<WHAT>' }),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ path: Type.Optional(Type.String()), message: Type.String() }, { additionalProperties: true }))),
  },
  { $id: 'ErrorBody', description: 'Every error answer' },
);

export const Pagination = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (at most 500)' }),
  offset: Type.Integer({ minimum: 0, default: 0, description: 'Items to skip' }),
});

export const Uuid = Type.String({ format: 'uuid' });

/** Standard error answers for an authenticated route, so the OpenAPI document lists them. */
export const AUTHENTICATED_ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody };
