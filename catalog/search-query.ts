import type { IndexedResource } from './repository.ts';

export const SORT_KEYS = ['relevance', 'name', 'publishDate', 'updated', 'freshness'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
/** The order of each sort when none is asked for: best match, A to Z, newest first, stalest first. */
export const DEFAULT_ORDER: Readonly<Record<SortKey, 'asc' | 'desc'>> = { relevance: 'desc', name: 'asc', publishDate: 'desc', updated: 'desc', freshness: 'desc' };

/** Facets stored with each resource; `freshness` is judged per request from the last records and the clock. */
export const STORED_FACETS = ['provider', 'kind', 'sharingType', 'updateCycle', 'format'] as const;
export const FACETS = [...STORED_FACETS, 'freshness'] as const;
export type FacetName = (typeof FACETS)[number];
export type StoredFacet = (typeof STORED_FACETS)[number];
export const FRESHNESS_VALUES = ['on-time', 'late', 'stale'] as const;

export interface SearchQuery {
  q?: string | undefined;
  /** Per facet, the values a resource must have one of; facets are combined with AND. */
  filters: Partial<Record<FacetName, readonly string[] | undefined>>;
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** What freshness is judged on: the last record time per topic (ms) and now (ms). */
export interface FreshnessInput {
  lastRecords: ReadonlyMap<string, number>;
  nowMs: number;
}

export interface FacetBucket {
  value: string;
  count: number;
  /** The provider's name, for provider buckets. */
  label?: string;
}

export interface SearchHit {
  resource: IndexedResource;
  /** 0 on time, 1 late, 2 stale (see freshness.ts). */
  freshnessRank: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  /** Counts over the whole filtered result (every filter applied), most frequent first. */
  facets: Record<FacetName, FacetBucket[]>;
  /**
   * The first moment a resource this search considered changes freshness, unless a record arrives first: the
   * result holds until then, the index and the freshness signature staying the same (Infinity: never).
   */
  validUntilMs: number;
}
