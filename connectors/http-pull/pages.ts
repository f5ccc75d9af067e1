import type { JsonValue } from '../types.ts';
import type { HttpRequest, HttpResponse } from './client.ts';
import type { HttpPullConfig } from './config.ts';
import { HttpPullError } from './errors.ts';
import { isJsonObject, valueAt } from './json-path.ts';
import { nextLink } from './link-header.ts';

/** One page of the source: what to ask for it. */
export type PageRef =
  | { type: 'none' }
  | { type: 'page'; page: number }
  | { type: 'offset'; offset: number }
  | { type: 'cursor'; cursor: string | null }
  /** `url` null is the configured URL; later pages are the next links as given by the source. */
  | { type: 'link-header'; url: string | null };

export type Scalar = string | number | boolean;

export interface Pager {
  first(): PageRef;
  /** Where a run resumes after the record at a stored (positional) offset, and how many leading records of that page to drop. */
  resume(stored: JsonValue): { ref: PageRef; skipThrough: number };
  /** The positional offset of the record at `index` of a page. */
  offsetOf(ref: PageRef, index: number): JsonValue;
  /** The request for a page, with extra parameters (the incremental one); `probe` asks for a single record. */
  request(ref: PageRef, extra: [string, Scalar][], probe?: boolean): HttpRequest;
  /** The page after `ref`, or undefined when the source has nothing more. `count` is the page's record count. */
  next(ref: PageRef, response: HttpResponse, count: number): PageRef | undefined;
}

function badOffset(stored: JsonValue, type: string): HttpPullError {
  return new HttpPullError('DX_ERR_HTTP_PULL_OFFSET', `stored offset ${JSON.stringify(stored)} does not fit ${type} pagination; reset the connector's offset after changing its pagination`);
}

const isIndex = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

export function createPager(config: HttpPullConfig): Pager {
  const pagination = config.pagination ?? { type: 'none' as const };
  const type = pagination.type;
  const pageSize = pagination.pageSize ?? 100;
  const sizeParam = pagination.sizeParam ?? (type === 'page' ? 'size' : undefined);
  const startPage = pagination.startPage ?? 1;
  const method = config.method ?? 'GET';

  function positional(ref: PageRef, index: number): JsonValue {
    switch (ref.type) {
      case 'none':
        return { index };
      case 'page':
        return { page: ref.page, index };
      case 'offset':
        return { offset: ref.offset + index };
      case 'cursor':
        return { cursor: ref.cursor, index };
      case 'link-header':
        return { url: ref.url, index };
    }
  }

  function first(): PageRef {
    switch (type) {
      case 'none':
        return { type };
      case 'page':
        return { type, page: startPage };
      case 'offset':
        return { type, offset: 0 };
      case 'cursor':
        return { type, cursor: null };
      case 'link-header':
        return { type, url: null };
    }
  }

  function resume(stored: JsonValue): { ref: PageRef; skipThrough: number } {
    if (!isJsonObject(stored)) throw badOffset(stored, type);
    const { index } = stored;
    if (type === 'offset') {
      if (!isIndex(stored.offset)) throw badOffset(stored, type);
      return { ref: { type, offset: stored.offset + 1 }, skipThrough: -1 };
    }
    if (!isIndex(index)) throw badOffset(stored, type);
    switch (type) {
      case 'none':
        return { ref: { type }, skipThrough: index };
      case 'page':
        if (!Number.isInteger(stored.page)) throw badOffset(stored, type);
        return { ref: { type, page: stored.page as number }, skipThrough: index };
      case 'cursor':
        if (stored.cursor !== null && typeof stored.cursor !== 'string') throw badOffset(stored, type);
        return { ref: { type, cursor: stored.cursor }, skipThrough: index };
      case 'link-header':
        if (stored.url !== null && typeof stored.url !== 'string') throw badOffset(stored, type);
        return { ref: { type, url: stored.url }, skipThrough: index };
    }
  }

  function pageParams(ref: PageRef, probe: boolean): [string, Scalar][] {
    const size = probe ? 1 : pageSize;
    switch (ref.type) {
      case 'none':
        return [];
      case 'page':
        return [
          [pagination.pageParam ?? 'page', ref.page],
          [sizeParam ?? 'size', size],
        ];
      case 'offset':
        return [
          [pagination.offsetParam ?? 'offset', ref.offset],
          [pagination.limitParam ?? 'limit', size],
        ];
      case 'cursor': {
        const params: [string, Scalar][] = sizeParam ? [[sizeParam, size]] : [];
        if (ref.cursor !== null) params.push([pagination.cursorParam ?? 'cursor', ref.cursor]);
        return params;
      }
      case 'link-header':
        // A next link already says everything about the page it names.
        return ref.url === null && sizeParam ? [[sizeParam, size]] : [];
    }
  }

  function request(ref: PageRef, extra: [string, Scalar][], probe = false): HttpRequest {
    const followingLink = ref.type === 'link-header' && ref.url !== null;
    const url = new URL(followingLink ? (ref as { url: string }).url : config.url);
    const params = [...pageParams(ref, probe), ...extra];
    if ((config.paramsIn ?? 'query') === 'body' && !followingLink) {
      return { method, url, body: JSON.stringify({ ...config.body, ...Object.fromEntries(params) }) };
    }
    for (const [name, value] of params) {
      // A next link that dropped the incremental filter gets it back; one that kept it is left as the source wrote it.
      if (followingLink && url.searchParams.has(name)) continue;
      url.searchParams.set(name, String(value));
    }
    return method === 'POST' ? { method, url, body: JSON.stringify(config.body ?? {}) } : { method, url };
  }

  function next(ref: PageRef, response: HttpResponse, count: number): PageRef | undefined {
    switch (ref.type) {
      case 'none':
        return undefined;
      case 'page':
        return count === 0 || count < pageSize ? undefined : { type: 'page', page: ref.page + 1 };
      case 'offset':
        return count === 0 || count < pageSize ? undefined : { type: 'offset', offset: ref.offset + count };
      case 'cursor': {
        const cursor = valueAt(response.json, pagination.cursorPath ?? '');
        if (cursor === undefined || cursor === null || cursor === '') return undefined;
        const text = typeof cursor === 'string' ? cursor : JSON.stringify(cursor);
        // A source handing back the cursor it was given would loop forever.
        return text === ref.cursor ? undefined : { type: 'cursor', cursor: text };
      }
      case 'link-header': {
        const link = nextLink(response.headers.link);
        if (link === undefined) return undefined;
        let target: URL;
        try {
          target = new URL(link, response.url);
        } catch (err) {
          throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `the Link header of ${response.url.origin}${response.url.pathname} names an invalid next URL`, { cause: err });
        }
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          throw new HttpPullError('DX_ERR_HTTP_PULL_RESPONSE', `the Link header names a ${target.protocol} next URL; only http and https are followed`);
        }
        return target.href === response.url.href ? undefined : { type: 'link-header', url: target.href };
      }
    }
  }

  return { first, resume, offsetOf: positional, request, next };
}
