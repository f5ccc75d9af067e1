import type { IndexedResource } from './repository.ts';
import { createSearchColumns } from './search-columns.ts';
import { createSearchOrders } from './search-orders.ts';
import { FRESHNESS_VALUES, type FreshnessInput, type SearchHit, type SearchQuery, type SearchResult } from './search-query.ts';
import { createTextSearch, toDoc, type Doc } from './search-text.ts';
import { queryTerms } from './text-index.ts';

export { DEFAULT_ORDER, FACETS, SORT_KEYS } from './search-query.ts';
export type { FacetBucket, FacetName, FreshnessInput, SearchHit, SearchQuery, SearchResult, SortKey } from './search-query.ts';

/** Below this many changed resources the sort orders are patched in place; above, rebuilt. */
const INCREMENTAL_LIMIT = 64;

/**
 * The catalogue search, in memory: resources are few (thousands) and searched far more often than changed. Text
 * matching and relevance (search-text.ts), filters, facets and freshness over typed columns (search-columns.ts)
 * and presorted orders with their pages (search-orders.ts) each keep their own structures by resource number;
 * this file keeps them in step and runs a search through them, at one pass over the matches. Not safe for
 * concurrent mutation: the owner applies changes between searches (searches are synchronous).
 */
export function createSearchIndex(options: { locale?: string } = {}) {
  const docs: Doc[] = [];
  const byId = new Map<string, number>();
  const text = createTextSearch(docs);
  const columns = createSearchColumns();
  const orders = createSearchOrders(docs, columns, options.locale ?? 'zh-CN');

  return {
    get size(): number {
      return docs.length;
    },

    /** Adds resources, or replaces the ones already indexed (by id). */
    upsert(resources: readonly IndexedResource[]): void {
      const incremental = resources.length <= INCREMENTAL_LIMIT && docs.length > 0;
      columns.grow(docs.length + resources.length);
      for (const resource of resources) {
        const doc = toDoc(resource);
        const existing = byId.get(resource.id);
        if (existing === undefined) {
          const docNo = docs.length;
          docs.push(doc);
          byId.set(resource.id, docNo);
          columns.set(docNo, resource, null);
          text.add(docNo, doc);
          if (incremental) orders.insert(docNo);
          continue;
        }
        const old = docs[existing] as Doc;
        text.replace(existing, old, doc);
        if (incremental) orders.remove(existing);
        docs[existing] = doc;
        columns.set(existing, resource, old.resource.topic);
        if (incremental) orders.insert(existing);
      }
      if (!incremental) orders.rebuild();
    },

    /**
     * The freshness rank of every indexed resource whose topic has records, as one string: a search result stays
     * right while this is unchanged (a new record that leaves every rank as it was changes nothing).
     */
    freshnessSignature: (freshness: FreshnessInput): string => columns.freshnessSignature(freshness),

    search(query: SearchQuery, freshness: FreshnessInput): SearchResult {
      const terms = queryTerms(query.q);
      const candidates = text.matching(terms);
      const count = candidates === undefined ? docs.length : candidates.length;
      const selection = columns.select(candidates, count, query, freshness);
      const { total } = selection;
      let hits: SearchHit[];
      try {
        const { offset, limit, order } = query;
        let page: number[];
        if (query.sort === 'relevance' && terms.length > 0) page = orders.bucketPage(columns.scores, text.score(terms, total, columns, columns.scores) + 1, order, total, offset, limit);
        else if (query.sort === 'freshness') page = orders.bucketPage(columns.ranks, FRESHNESS_VALUES.length, order, total, offset, limit);
        // Relevance without a query has nothing to rank: name order.
        else if (query.sort === 'relevance') page = orders.orderedPage('name', false, offset, limit);
        else page = orders.orderedPage(query.sort, order === 'desc', offset, limit);
        hits = page.map((docNo) => ({ resource: (docs[docNo] as Doc).resource, freshnessRank: columns.ranks[docNo] as number }));
      } finally {
        for (let i = 0; i < total; i++) columns.selected[columns.matched[i] as number] = 0;
      }
      return { total, hits, facets: columns.facets(selection), validUntilMs: selection.validUntilMs };
    },
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;
