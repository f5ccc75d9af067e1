/**
 * Errors of the schema registry, with the HTTP status and the numeric `error_code` of the Confluent Schema
 * Registry REST API, so standard clients recognise them.
 */
export const REGISTRY_ERRORS = {
  DX_ERR_REGISTRY_UNAUTHENTICATED: { status: 401, errorCode: 40101, message: 'An API key is required: send it as the Basic auth password or as "Authorization: Bearer <key>"' },
  DX_ERR_REGISTRY_KEY_INVALID: { status: 401, errorCode: 40101, message: 'The API key is unknown, revoked or expired, or its principal is disabled' },
  DX_ERR_REGISTRY_FORBIDDEN: { status: 403, errorCode: 40301, message: 'Only the data office may change the schema registry' },
  DX_ERR_REGISTRY_SUBJECT_NOT_FOUND: { status: 404, errorCode: 40401, message: 'Subject not found' },
  DX_ERR_REGISTRY_VERSION_NOT_FOUND: { status: 404, errorCode: 40402, message: 'Version not found' },
  DX_ERR_REGISTRY_SCHEMA_NOT_FOUND: { status: 404, errorCode: 40403, message: 'Schema not found' },
  DX_ERR_REGISTRY_SUBJECT_SOFT_DELETED: { status: 404, errorCode: 40404, message: 'Subject was soft deleted; set permanent=true to delete it permanently' },
  DX_ERR_REGISTRY_SUBJECT_NOT_SOFT_DELETED: { status: 404, errorCode: 40405, message: 'Subject was not soft deleted first before being permanently deleted' },
  DX_ERR_REGISTRY_VERSION_SOFT_DELETED: { status: 404, errorCode: 40406, message: 'Version was soft deleted; set permanent=true to delete it permanently' },
  DX_ERR_REGISTRY_VERSION_NOT_SOFT_DELETED: { status: 404, errorCode: 40407, message: 'Version was not soft deleted first before being permanently deleted' },
  DX_ERR_REGISTRY_SUBJECT_CONFIG_NOT_FOUND: { status: 404, errorCode: 40408, message: 'Subject does not have subject-level compatibility configured' },
  DX_ERR_REGISTRY_ROUTE_NOT_FOUND: { status: 404, errorCode: 404, message: 'No such registry resource' },
  DX_ERR_REGISTRY_INCOMPATIBLE: { status: 409, errorCode: 409, message: 'Schema being registered is incompatible with an earlier schema' },
  DX_ERR_REGISTRY_REQUEST_INVALID: { status: 422, errorCode: 422, message: 'The request is invalid' },
  DX_ERR_REGISTRY_INVALID_SCHEMA: { status: 422, errorCode: 42201, message: 'Invalid schema' },
  DX_ERR_REGISTRY_INVALID_VERSION: { status: 422, errorCode: 42202, message: 'The specified version is not a valid version id: use a positive integer, -1 or "latest"' },
  DX_ERR_REGISTRY_INVALID_COMPATIBILITY: { status: 422, errorCode: 42203, message: 'Invalid compatibility level' },
  DX_ERR_REGISTRY_STORE: { status: 500, errorCode: 50001, message: 'Error in the backend data store' },
} as const satisfies Record<string, { status: number; errorCode: number; message: string }>;

export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

/** A 4xx registry error is the caller's mistake or a conflict, never worth retrying unchanged. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly statusCode: number;
  readonly errorCode: number;
  readonly retriable: boolean;

  constructor(code: RegistryErrorCode, message?: string, options?: ErrorOptions) {
    super(message ?? REGISTRY_ERRORS[code].message, options);
    this.name = 'RegistryError';
    this.code = code;
    this.statusCode = REGISTRY_ERRORS[code].status;
    this.errorCode = REGISTRY_ERRORS[code].errorCode;
    this.retriable = this.statusCode >= 500;
  }
}

export function registryError(code: RegistryErrorCode, message?: string, options?: ErrorOptions): RegistryError {
  return new RegistryError(code, message, options);
}
