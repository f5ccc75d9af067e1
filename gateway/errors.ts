/**
 * The catalogue of every error code the gateway answers with. 4xx bodies carry the code, the message and,
 * for validation errors, the failing field paths; 5xx bodies carry a generic message and the cause goes to the log.
 */
export const ERROR_CATALOGUE = {
  DX_ERR_REQUEST_INVALID: { status: 400, message: 'The request is invalid' },
  DX_ERR_AUTH_MISSING: { status: 401, message: 'An API key is required: send "Authorization: Bearer <key>"' },
  DX_ERR_AUTH_INVALID: { status: 401, message: 'The API key is unknown, revoked or expired, or its principal is disabled' },
  DX_ERR_AUTH_FORBIDDEN: { status: 403, message: 'This principal may not do this' },
  DX_ERR_NOT_FOUND: { status: 404, message: 'Not found' },
  DX_ERR_PRINCIPAL_NOT_FOUND: { status: 404, message: 'No such principal' },
  DX_ERR_KEY_NOT_FOUND: { status: 404, message: 'No such API key' },
  DX_ERR_PRINCIPAL_EXISTS: { status: 409, message: 'A principal with this name already exists' },
  DX_ERR_PRINCIPAL_SELF: { status: 409, message: 'A principal cannot disable itself' },
  DX_ERR_CONNECTOR_NOT_FOUND: { status: 404, message: 'No such connector' },
  DX_ERR_CONNECTOR_EXISTS: { status: 409, message: 'The department already has a connector with this name' },
  DX_ERR_CONNECTOR_TOPIC_REFUSED: { status: 403, message: 'A department publishes only onto the topic of a catalogue resource it provides or was assigned (一数一源)' },
  DX_ERR_CONNECTOR_STATE: { status: 409, message: 'The connector is not in a state that allows this' },
  DX_ERR_IDEMPOTENCY_CONFLICT: { status: 409, message: 'This Idempotency-Key was used for a different request, or that request is still being processed' },
  DX_ERR_CATALOG_RESOURCE_NOT_FOUND: { status: 404, message: 'No such catalogue resource' },
  DX_ERR_CATALOG_CODE_TAKEN: { status: 409, message: 'Another resource has this resource code' },
  DX_ERR_CATALOG_TOPIC_TAKEN: { status: 409, message: 'Another resource is published on this topic' },
  DX_ERR_CATALOG_METHOD_NOT_ALLOWED: { status: 405, message: 'Catalogue resources are changed with PUT and never deleted; their history keeps every version' },
  DX_ERR_CATALOG_VERSION_CONFLICT: { status: 409, message: 'The resource changed since the version sent; reload it and apply the change again' },
  DX_ERR_SUBSCRIPTION_NOT_FOUND: { status: 404, message: 'No such subscription' },
  DX_ERR_SUBSCRIPTION_NOT_SHARED: { status: 400, message: 'The resource is not shared and cannot be requested' },
  DX_ERR_SUBSCRIPTION_INACTIVE: { status: 403, message: 'The subscription is not active: it is pending, rejected, revoked or expired' },
  DX_ERR_SUBSCRIPTION_STATE: { status: 409, message: 'The subscription is not in a state that allows this' },
  DX_ERR_SUBSCRIPTION_KAFKA_UNSECURED: { status: 409, message: 'kafka delivery is refused: the Kafka cluster has no authorizer, so the subscription topic could not be protected' },
  DX_ERR_REGISTER_NOT_ENABLED: { status: 409, message: 'The resource has no register: its current state is not kept for lookups (DX_REGISTER_RESOURCES)' },
  DX_ERR_REGISTER_REBUILDING: { status: 409, message: 'A rebuild of this register is already under way' },
  DX_ERR_REGISTER_LOOKUPS_LIMITED: { status: 429, message: 'The subscription looked up more distinct entities in the current clock hour than its queryLimits allow; the provider and the data office are alerted' },
  DX_ERR_DISPUTE_NOT_FOUND: { status: 404, message: 'No such dispute' },
  DX_ERR_DISPUTE_NOT_SUBSCRIBED: { status: 403, message: 'Only an integrator with an active subscription to the resource, or the data office, may raise a dispute on its data' },
  DX_ERR_DISPUTE_STATE: { status: 409, message: 'The dispute was already answered' },
  DX_ERR_HOST_REFUSED: { status: 400, message: 'The host is not allowed' },
  DX_ERR_ALLOWED_HOST_NOT_FOUND: { status: 404, message: 'No such allow-list entry' },
  DX_ERR_PEER_NOT_FOUND: { status: 404, message: 'No such peer gateway' },
  DX_ERR_PEER_EXISTS: { status: 409, message: 'A peer with this instance id or public key is already registered' },
  DX_ERR_PEER_NOT_CONFIRMED: { status: 409, message: 'Federation with this peer is off until both gateways registered each other and a signed handshake succeeded' },
  DX_ERR_PEER_REFUSED: { status: 400, message: 'The peer gateway refused the call' },
  DX_ERR_FEDERATION_SIGNATURE: { status: 401, message: 'The federated call is not signed by a registered peer, or its signature is invalid, expired or replayed' },
  DX_ERR_FEDERATION_READ_ONLY: { status: 409, message: 'A harvested resource is read-only here; its owner changes it at its origin gateway' },
  DX_ERR_FEDERATION_NOT_SHARED: { status: 404, message: 'No such resource is shared with this peer' },
  DX_ERR_FEDERATION_REQUEST_NOT_FOUND: { status: 404, message: 'No such cross-gateway request' },
  DX_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  DX_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests' },
  DX_ERR_INTERNAL: { status: 500, message: 'Internal error' },
  DX_ERR_DB_UNAVAILABLE: { status: 503, message: 'The database is unavailable; retry later' },
  DX_ERR_AUDIT_UNAVAILABLE: { status: 503, message: 'The action could not be written to the audit log, so it was not done; retry later' },
  DX_ERR_AUDIT_PUSH_UNRECORDED: { status: 503, message: 'The records were published, but their audit entry could not be written; send the request again with the same Idempotency-Key to record it' },
  DX_ERR_PEER_UNAVAILABLE: { status: 503, message: 'The peer gateway did not answer; retry later' },
  DX_ERR_KAFKA_UNAVAILABLE: { status: 503, message: 'Kafka is unavailable; retry later' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorDetail {
  path?: string;
  message: string;
}

export class DxError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  readonly retriable: boolean;

  constructor(code: ErrorCode, options: { message?: string; details?: ErrorDetail[]; cause?: unknown; retriable?: boolean } = {}) {
    const entry = ERROR_CATALOGUE[code];
    super(options.message ?? entry.message, { cause: options.cause });
    this.name = 'DxError';
    this.code = code;
    this.statusCode = entry.status;
    this.details = options.details;
    this.retriable = options.retriable ?? entry.status === 503;
  }
}

export function dxError(code: ErrorCode, options?: ConstructorParameters<typeof DxError>[1]): DxError {
  return new DxError(code, options);
}
