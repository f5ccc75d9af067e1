import { DEFAULT_ORDER, type SearchQuery as IndexQuery } from '../../../catalog/search-index.ts';
import type { Filters } from './schemas.ts';

/** Index query from the route's filters; also used by the exports. */
export function indexQuery(filters: Filters, page: { sort?: IndexQuery['sort'] | undefined; order?: 'asc' | 'desc' | undefined; limit: number; offset: number }): IndexQuery {
  const sort = page.sort ?? (filters.q?.trim() ? 'relevance' : 'name');
  return {
    q: filters.q,
    filters: { provider: filters.provider, kind: filters.kind, sharingType: filters.sharingType, updateCycle: filters.updateCycle, format: filters.format, freshness: filters.freshness },
    sort,
    order: page.order ?? DEFAULT_ORDER[sort],
    limit: page.limit,
    offset: page.offset,
  };
}
