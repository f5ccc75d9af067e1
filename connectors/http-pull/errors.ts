export type HttpPullErrorCode =
  /** The source answered with a status other than 2xx (after retries for 429 and 5xx). */
  | 'DX_ERR_HTTP_PULL_STATUS'
  /** The connection failed or broke. */
  | 'DX_ERR_HTTP_PULL_NETWORK'
  | 'DX_ERR_HTTP_PULL_TIMEOUT'
  | 'DX_ERR_HTTP_PULL_TOO_LARGE'
  /** Too many redirects, a redirect without a usable Location, or to a scheme other than http(s). */
  | 'DX_ERR_HTTP_PULL_REDIRECT'
  /** The allow-list refused the host (or it could not be resolved). */
  | 'DX_ERR_HTTP_PULL_HOST_REFUSED'
  /** The body is not what the config describes: not JSON, no array of objects, records out of order. */
  | 'DX_ERR_HTTP_PULL_RESPONSE'
  /** A stored offset does not fit the configured pagination. */
  | 'DX_ERR_HTTP_PULL_OFFSET'
  /** The task was closed or its run aborted; not a failure of the source. */
  | 'DX_ERR_HTTP_PULL_ABORTED';

/** Messages never carry a credential: they are built from redacted text and URLs without their query string. */
export class HttpPullError extends Error {
  readonly code: HttpPullErrorCode;
  readonly retriable: boolean;
  /** HTTP status, for DX_ERR_HTTP_PULL_STATUS. */
  readonly status: number | undefined;
  /** How long the source asked to wait (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: HttpPullErrorCode,
    message: string,
    options: { retriable?: boolean; status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpPullError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
