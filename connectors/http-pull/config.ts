import { Type, type Static, type TUnsafe } from '@sinclair/typebox';

function stringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown>): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$';
const HEADER_VALUE = '^[^\\r\\n]*$';
const param = (options: { description: string; default?: string }) => Type.String({ minLength: 1, maxLength: 100, ...options });
const PAGE_SIZE_LIMIT = 10_000;

export const AUTH_TYPES = ['none', 'bearer', 'basic', 'header'] as const;
export const PAGINATION_TYPES = ['none', 'page', 'offset', 'cursor', 'link-header'] as const;

// Auth and pagination are flat objects with a `type` rather than unions: ajv then reports one clear error per field,
// and the registry finds the secrets by walking `properties`. `validate` checks which fields each type needs.
const AUTH = Type.Object(
  {
    type: stringEnum(AUTH_TYPES, { description: 'none; bearer (Authorization: Bearer <token>); basic (user and password); header (an API key sent in a header of your choice)' }),
    token: Type.Optional(Type.String({ minLength: 1, description: 'Bearer token (type bearer)', 'x-secret': true })),
    user: Type.Optional(Type.String({ minLength: 1, pattern: '^[^:]*$', description: 'User name (type basic)' })),
    password: Type.Optional(Type.String({ description: 'Password (type basic)', 'x-secret': true })),
    header: Type.Optional(Type.String({ pattern: HEADER_NAME, description: 'Name of the header carrying the API key, e.g. X-API-Key (type header)' })),
    value: Type.Optional(Type.String({ minLength: 1, pattern: HEADER_VALUE, description: 'The API key (type header)', 'x-secret': true })),
  },
  { additionalProperties: false, description: 'Credentials; sent only to the origin (scheme, host, port) of url, never to another host a redirect or a next link points to' },
);

const PAGINATION = Type.Object(
  {
    type: stringEnum(PAGINATION_TYPES, {
      description:
        'none (one response holds every record); page (page number and size parameters); offset (offset and limit parameters); ' +
        'cursor (the response names the next page by a cursor); link-header (the Link response header names the next page, RFC 8288 rel="next")',
    }),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_SIZE_LIMIT, default: 100, description: 'Records asked for per page' })),
    pageParam: Type.Optional(param({ default: 'page', description: 'Page number parameter (type page)' })),
    sizeParam: Type.Optional(
      param({ description: 'Page size parameter: default "size" for type page; for cursor and link-header, the size is sent only when this is given' }),
    ),
    startPage: Type.Optional(Type.Integer({ minimum: 0, default: 1, description: 'Number of the first page (type page)' })),
    offsetParam: Type.Optional(param({ default: 'offset', description: 'Offset parameter, counting records from 0 (type offset)' })),
    limitParam: Type.Optional(param({ default: 'limit', description: 'Limit parameter (type offset)' })),
    cursorPath: Type.Optional(
      Type.String({ minLength: 1, description: 'Dotted path of the next-page cursor in the response body, e.g. meta.next_cursor; absent, null or empty ends the read (type cursor)' }),
    ),
    cursorParam: Type.Optional(param({ default: 'cursor', description: 'Parameter carrying the cursor, omitted on the first page (type cursor)' })),
  },
  { additionalProperties: false, description: 'How the source splits its records into pages; default none' },
);

const INCREMENTAL = Type.Object(
  {
    param: param({ description: 'Parameter carrying the last value of field already read, e.g. updatedSince' }),
    field: Type.String({ minLength: 1, description: 'Dotted path, in each record, of the value the source sorts by in ascending order (an update time or a serial)' }),
    initial: Type.Optional(Type.String({ minLength: 1, description: 'Value sent on the very first run, before any record was read; without it the first run sends no such parameter' })),
  },
  { additionalProperties: false, description: 'Read only what changed since the last run; records must come in ascending order of field' },
);

const RETRY = Type.Object(
  {
    maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 4, description: 'Retries after a network error, a timeout, 429 or 5xx; other answers are never retried' })),
    initialDelayMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, default: 500, description: 'Delay before the first retry; it doubles each time, with random jitter' })),
    maxDelayMs: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 600_000, default: 30_000, description: 'Longest wait between two attempts; a Retry-After asking for longer fails the run instead' }),
    ),
  },
  { additionalProperties: false, description: 'Retries with exponential backoff; a Retry-After header is honoured' },
);

export const HTTP_PULL_CONFIG = Type.Object(
  {
    url: Type.String({ format: 'uri', pattern: '^https?://', description: 'http(s) URL of the endpoint; its host must be on the operator allow-list' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Partition name under which offsets are kept; default the path of url' })),
    method: Type.Optional(stringEnum(['GET', 'POST'] as const, { default: 'GET', description: 'GET, or POST with a JSON body' })),
    body: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'JSON object sent as the body of a POST' })),
    paramsIn: Type.Optional(
      stringEnum(['query', 'body'] as const, { default: 'query', description: 'Where paging and incremental parameters go: the query string, or top-level fields of the POST body' }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: HEADER_NAME }), Type.String({ pattern: HEADER_VALUE }), {
        additionalProperties: false,
        description: 'Extra request headers (not secret: credentials go in auth)',
      }),
    ),
    auth: Type.Optional(AUTH),
    recordsPath: Type.Optional(
      Type.String({ default: '', description: 'Dotted path of the array of records in the response body, e.g. data.items; empty when the body is the array' }),
    ),
    pagination: Type.Optional(PAGINATION),
    incremental: Type.Optional(INCREMENTAL),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000, description: 'Time allowed for one request, from connecting to the last byte, redirects included' })),
    maxResponseBytes: Type.Optional(
      Type.Integer({ minimum: 64, maximum: 134_217_728, default: 67_108_864, description: "Largest response body accepted (at most 128 MiB, well under the gateway's heap, since the body is decoded and parsed in memory); a larger one is refused" }),
    ),
    maxRedirects: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 5, description: 'Redirects followed per request; each target is checked against the allow-list again' })),
    retry: Type.Optional(RETRY),
  },
  { additionalProperties: false },
);

export type HttpPullConfig = Static<typeof HTTP_PULL_CONFIG>;
export type PaginationConfig = Static<typeof PAGINATION>;
export type IncrementalConfig = Static<typeof INCREMENTAL>;
export type AuthConfig = Static<typeof AUTH>;
