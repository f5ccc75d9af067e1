import type { ConfigProblem, PullConnectorDefinition } from '../types.ts';
import { HTTP_PULL_CONFIG, type HttpPullConfig } from './config.ts';
import { lazyTask } from '../lazy-task.ts';

const AUTH_FIELDS = { none: [], bearer: ['token'], basic: ['user', 'password'], header: ['header', 'value'] } as const;
const PAGINATION_FIELDS = {
  none: [],
  page: ['pageSize', 'pageParam', 'sizeParam', 'startPage'],
  offset: ['pageSize', 'offsetParam', 'limitParam'],
  cursor: ['pageSize', 'sizeParam', 'cursorPath', 'cursorParam'],
  'link-header': ['pageSize', 'sizeParam'],
} as const;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'content-type']);

function authProblems(config: HttpPullConfig): ConfigProblem[] {
  const auth = config.auth;
  if (!auth) return [];
  const needed: readonly string[] = AUTH_FIELDS[auth.type];
  const problems: ConfigProblem[] = [];
  for (const field of ['token', 'user', 'password', 'header', 'value'] as const) {
    if (needed.includes(field) && auth[field] === undefined) problems.push({ path: `auth.${field}`, message: `is required for auth type ${auth.type}` });
    if (!needed.includes(field) && auth[field] !== undefined) problems.push({ path: `auth.${field}`, message: `is not used with auth type ${auth.type}` });
  }
  return problems;
}

function paginationProblems(config: HttpPullConfig): ConfigProblem[] {
  const pagination = config.pagination;
  if (!pagination) return [];
  const used: readonly string[] = PAGINATION_FIELDS[pagination.type];
  const problems: ConfigProblem[] = [];
  for (const field of Object.keys(pagination)) {
    if (field !== 'type' && !used.includes(field)) problems.push({ path: `pagination.${field}`, message: `is not used with pagination type ${pagination.type}` });
  }
  if (pagination.type === 'cursor' && pagination.cursorPath === undefined) problems.push({ path: 'pagination.cursorPath', message: 'is required for pagination type cursor' });
  if ((pagination.type === 'cursor' || pagination.type === 'link-header') && pagination.pageSize !== undefined && pagination.sizeParam === undefined) {
    problems.push({ path: 'pagination.pageSize', message: 'is only sent when sizeParam is given' });
  }
  if (pagination.type === 'link-header' && config.paramsIn === 'body') problems.push({ path: 'paramsIn', message: 'must be query with link-header pagination, whose next links are URLs' });
  return problems;
}

function requestProblems(config: HttpPullConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(config.url);
  } catch {
    problems.push({ path: 'url', message: 'is not a valid URL' });
  }
  if (url && (url.username || url.password)) problems.push({ path: 'url', message: 'must not carry credentials; use auth' });
  const method = config.method ?? 'GET';
  if (method === 'GET' && config.body !== undefined) problems.push({ path: 'body', message: 'is only sent with method POST' });
  if (config.paramsIn === 'body' && method !== 'POST') problems.push({ path: 'paramsIn', message: 'body needs method POST' });
  const authHeader = config.auth?.type === 'header' ? config.auth.header?.toLowerCase() : config.auth?.type === 'bearer' || config.auth?.type === 'basic' ? 'authorization' : undefined;
  for (const name of Object.keys(config.headers ?? {})) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) problems.push({ path: `headers.${name}`, message: 'is set by the connector' });
    else if (lower === authHeader) problems.push({ path: `headers.${name}`, message: 'is set from auth' });
  }
  return problems;
}

function incrementalProblems(config: HttpPullConfig): ConfigProblem[] {
  const incremental = config.incremental;
  const pagination = config.pagination;
  if (!incremental || !pagination) return [];
  const taken = [pagination.pageParam, pagination.sizeParam, pagination.offsetParam, pagination.limitParam, pagination.cursorParam];
  const defaults: Record<string, string[]> = { none: [], page: ['page', 'size'], offset: ['offset', 'limit'], cursor: ['cursor'], 'link-header': [] };
  return taken.includes(incremental.param) || defaults[pagination.type]?.includes(incremental.param)
    ? [{ path: 'incremental.param', message: 'is already a pagination parameter' }]
    : [];
}

export const httpPull: PullConnectorDefinition<HttpPullConfig> = {
  type: 'http-pull',
  kind: 'pull',
  summary: 'Reads a JSON REST endpoint, page by page, optionally only the records changed since the last run.',
  description:
    'Each run requests url (GET, or POST with a JSON body), takes the array of records at recordsPath and follows the ' +
    'pagination until the source has nothing more. All records of one endpoint form one partition, named by name or ' +
    'else the path of url. The committed offset of a record says where the next run resumes, so a restart neither ' +
    'repeats nor skips a record:\n' +
    '- incremental (any pagination): { value, count }, the incremental field of the record and how many records with ' +
    'that value were read. The next run sends param=value and reads its pages from the first; records below the value, ' +
    'and the first count records equal to it, are dropped as already read, whether the source filters with "after" or ' +
    '"from". Records must come in ascending order of field (numbers compare as numbers, anything else as text, so ' +
    'timestamps must all be written alike); a record out of order or without the field fails the run. Without ' +
    'pagination, each request sends the latest value read, until a response brings nothing new.\n' +
    '- pagination none: { index }, the record\'s place in the response; the next run reads the records after it.\n' +
    '- page: { page, index }, the page number and the place on it; the next run requests that page again and reads ' +
    'from index + 1, so records appended to the last page are read. Pages end at a page shorter than pageSize or empty.\n' +
    '- offset: { offset }, the record\'s position counted from 0; the next run requests offset + 1.\n' +
    '- cursor: { cursor, index }, the cursor that fetched the record\'s page (null for the first page) and the place ' +
    'on it. Pages end when the response has no next cursor.\n' +
    '- link-header: { url, index }, the next link that fetched the record\'s page (null for url itself) and the place ' +
    'on it. Pages end when the Link header has no rel="next".\n' +
    'Without incremental, the source must only ever append records after those already read. A stored offset that ' +
    'does not fit the configured mode fails the run rather than read everything again. ' +
    'Network errors, timeouts, 429 and 5xx answers are retried with exponential backoff and jitter, honouring ' +
    'Retry-After; other answers fail at once, naming the status and the start of the body. Every connection, ' +
    'redirects and next links included, goes only to an address the allow-list accepts; credentials are sent only to ' +
    'the origin of url.',
  configSchema: HTTP_PULL_CONFIG,
  examples: [
    {
      summary: 'A provincial market-regulation API: bearer token, numbered pages, only companies changed since the last run',
      config: {
        url: 'https://api.scjg.province.gov.cn/open/v1/companies',
        auth: { type: 'bearer', token: '********' },
        recordsPath: 'data.list',
        pagination: { type: 'page', pageParam: 'pageNo', sizeParam: 'pageSize', pageSize: 200 },
        incremental: { param: 'updatedSince', field: 'updateTime', initial: '2020-01-01 00:00:00' },
      },
    },
    {
      summary: 'A department system queried by POST, paging in the JSON body, with an API key header',
      config: {
        url: 'http://10.20.3.7:8080/dataservice/query/licences',
        name: 'licences',
        method: 'POST',
        body: { deptCode: '330100', status: 'valid' },
        paramsIn: 'body',
        auth: { type: 'header', header: 'X-Api-Key', value: '********' },
        recordsPath: 'result.rows',
        pagination: { type: 'page', pageParam: 'pageNum', sizeParam: 'pageSize', pageSize: 500 },
        timeoutMs: 60_000,
      },
    },
    {
      summary: 'A list with Link headers and basic authentication',
      config: {
        url: 'https://data.hrss.city.gov.cn/api/insured-persons',
        auth: { type: 'basic', user: 'dx_reader', password: '********' },
        pagination: { type: 'link-header', sizeParam: 'per_page', pageSize: 100 },
      },
    },
    {
      summary: 'A cursor-paginated feed',
      config: {
        url: 'https://open.city.gov.cn/api/v2/permits',
        headers: { 'X-Tenant': 'city-data-office' },
        recordsPath: 'items',
        pagination: { type: 'cursor', cursorPath: 'meta.nextCursor', cursorParam: 'after', sizeParam: 'limit', pageSize: 100 },
      },
    },
  ],
  validate(config) {
    return [...requestProblems(config), ...authProblems(config), ...paginationProblems(config), ...incrementalProblems(config)];
  },
  // Credentials are sent only to the origin of url (see config.ts), so the origin is what they are bound to.
  secretTarget(config) {
    try {
      return new URL(config.url).origin;
    } catch {
      return config.url;
    }
  },
  create: (config, context) => lazyTask(async () => (await import('./task.ts')).createHttpPullTask(config, context)),
};
