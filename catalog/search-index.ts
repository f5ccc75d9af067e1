import { CYCLE_MS, LATE_AFTER_CYCLES, STALE_AFTER_CYCLES } from './freshness.ts';
import type { IndexedResource } from './repository.ts';
import { bigrams, createPostings, isExact, isShort, narrow, normalise, queryTerms } from './text-index.ts';

export const SORT_KEYS = ['relevance', 'name', 'publishDate', 'updated', 'freshness'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
/** The order of each sort when none is asked for: best match, A to Z, newest first, stalest first. */
export const DEFAULT_ORDER: Readonly<Record<SortKey, 'asc' | 'desc'>> = { relevance: 'desc', name: 'asc', publishDate: 'desc', updated: 'desc', freshness: 'desc' };

/** Facets stored with each resource; `freshness` is judged per request from the last records and the clock. */
const STORED_FACETS = ['provider', 'kind', 'sharingType', 'updateCycle', 'format'] as const;
export const FACETS = [...STORED_FACETS, 'freshness'] as const;
export type FacetName = (typeof FACETS)[number];
type StoredFacet = (typeof STORED_FACETS)[number];
const FACET_COUNT = STORED_FACETS.length;
const FRESHNESS_VALUES = ['on-time', 'late', 'stale'] as const;

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

/** Points a term scores per field it occurs in, for the relevance sort (a term found only in item names scores 0). */
const WEIGHTS = { name: 8, code: 6, keywords: 4, summary: 2 } as const;
type ScoredField = keyof typeof WEIGHTS;
const SCORED_FIELDS = Object.keys(WEIGHTS) as ScoredField[];
/** Below this many changed resources the sort orders are patched in place; above, rebuilt. */
const INCREMENTAL_LIMIT = 64;
/** At most this many matches, relevance checks each match's fields instead of walking the field postings. */
const SCAN_LIMIT = 1024;

interface Doc {
  resource: IndexedResource;
  fields: Record<ScoredField, string>;
  /** Every searchable field, joined by newlines so that no term matches across two fields. */
  text: string;
}

/** Distinct bigrams of the text and of each scored field: computed when indexing, not kept (millions of small strings). */
function gramsOf(doc: Doc): Record<ScoredField | 'text', string[]> {
  return { text: bigrams(doc.text), name: bigrams(doc.fields.name), code: bigrams(doc.fields.code), keywords: bigrams(doc.fields.keywords), summary: bigrams(doc.fields.summary) };
}

/**
 * The catalogue search, in memory: resources are few (thousands) and searched far more often than changed. A
 * character-bigram inverted index gives candidates for each query term, and the term is then checked as a
 * substring, so Chinese text needs no word segmentation. Filters, facets and freshness run over typed columns,
 * and sort orders are kept presorted (ties broken by id), so a search costs one pass over the matches. Not safe
 * for concurrent mutation: the owner applies changes between searches (searches are synchronous).
 */
export function createSearchIndex(options: { locale?: string } = {}) {
  const collator = new Intl.Collator(options.locale ?? 'zh-CN');
  const docs: Doc[] = [];
  const byId = new Map<string, number>();
  const textPostings = createPostings();
  const fieldPostings = Object.fromEntries(SCORED_FIELDS.map((field) => [field, createPostings()])) as Record<ScoredField, ReturnType<typeof createPostings>>;
  const dictionaries = STORED_FACETS.map(() => ({ codes: new Map<string, number>(), values: [] as string[] }));
  const providerNames = new Map<string, string>();
  const topics = new Map<string, number>();
  /** Resources by topic (a topic names one resource, but the index does not rely on it). */
  const topicDocs = new Map<string, Set<number>>();

  // Columns by resource number, grown by doubling.
  let capacity = 0;
  let facetCodes = new Int32Array(0);
  let cycleMs = new Float64Array(0);
  let cataloguedMs = new Float64Array(0);
  let updatedMs = new Float64Array(0);
  let topicOf = new Int32Array(0);
  // Scratch space of one search, reused: searches are synchronous.
  let selected = new Uint8Array(0);
  let ranks = new Uint8Array(0);
  let scores = new Uint16Array(0);
  let matched = new Int32Array(0);

  function grow(needed: number): void {
    if (needed <= capacity) return;
    capacity = Math.max(needed, capacity * 2, 256);
    const resize = <T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(old: T, make: (size: number) => T, size: number): T => {
      const next = make(size);
      next.set(old as never);
      return next;
    };
    facetCodes = resize(facetCodes, (size) => new Int32Array(size), capacity * FACET_COUNT);
    cycleMs = resize(cycleMs, (size) => new Float64Array(size), capacity);
    cataloguedMs = resize(cataloguedMs, (size) => new Float64Array(size), capacity);
    updatedMs = resize(updatedMs, (size) => new Float64Array(size), capacity);
    topicOf = resize(topicOf, (size) => new Int32Array(size), capacity);
    selected = new Uint8Array(capacity);
    ranks = new Uint8Array(capacity);
    scores = new Uint16Array(capacity);
    matched = new Int32Array(capacity);
  }

  const byIdThen = (a: number, b: number) => {
    const x = (docs[a] as Doc).resource.id;
    const y = (docs[b] as Doc).resource.id;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const comparators = {
    name: (a: number, b: number) => collator.compare((docs[a] as Doc).resource.name, (docs[b] as Doc).resource.name) || byIdThen(a, b),
    publishDate: (a: number, b: number) => {
      const x = (docs[a] as Doc).resource.publishDate;
      const y = (docs[b] as Doc).resource.publishDate;
      return x < y ? -1 : x > y ? 1 : byIdThen(a, b);
    },
    updated: (a: number, b: number) => (updatedMs[a] as number) - (updatedMs[b] as number) || byIdThen(a, b),
  };
  type OrderKey = keyof typeof comparators;
  const ORDER_KEYS = Object.keys(comparators) as OrderKey[];
  const orders: Record<OrderKey, number[]> = { name: [], publishDate: [], updated: [] };

  function code(dictionary: { codes: Map<string, number>; values: string[] }, value: string): number {
    let found = dictionary.codes.get(value);
    if (found === undefined) {
      found = dictionary.values.length;
      dictionary.codes.set(value, found);
      dictionary.values.push(value);
    }
    return found;
  }

  const facetValue = (resource: IndexedResource, facet: StoredFacet): string => (facet === 'provider' ? resource.providerCode : resource[facet]);

  function toDoc(resource: IndexedResource): Doc {
    const fields = { name: normalise(resource.name), code: normalise(resource.code), keywords: normalise(resource.keywords.join('\n')), summary: normalise(resource.summary) };
    const text = [fields.name, fields.code, fields.keywords, fields.summary, normalise(resource.itemNames.join('\n'))].join('\n');
    return { resource, fields, text };
  }

  function setColumns(docNo: number, resource: IndexedResource, previousTopic: string | null): void {
    if (previousTopic !== null) topicDocs.get(previousTopic)?.delete(docNo);
    if (resource.topic !== null) {
      const onTopic = topicDocs.get(resource.topic) ?? new Set<number>();
      topicDocs.set(resource.topic, onTopic.add(docNo));
    }
    STORED_FACETS.forEach((facet, index) => (facetCodes[docNo * FACET_COUNT + index] = code(dictionaries[index] as (typeof dictionaries)[number], facetValue(resource, facet))));
    cycleMs[docNo] = CYCLE_MS[resource.updateCycle] ?? 0;
    cataloguedMs[docNo] = Date.parse(resource.createdAt);
    updatedMs[docNo] = Date.parse(resource.updatedAt);
    topicOf[docNo] = resource.topic === null ? -1 : (topics.get(resource.topic) ?? topics.set(resource.topic, topics.size).size - 1);
  }

  function diff(old: readonly string[], next: readonly string[]): { removed: string[]; added: string[] } {
    const before = new Set(old);
    const after = new Set(next);
    return { removed: old.filter((gram) => !after.has(gram)), added: next.filter((gram) => !before.has(gram)) };
  }

  function insertSorted(order: number[], docNo: number, compare: (a: number, b: number) => number): void {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(order[mid] as number, docNo) < 0) low = mid + 1;
      else high = mid;
    }
    order.splice(low, 0, docNo);
  }

  /** Resources containing every term (anywhere), ascending; undefined when there are no terms (all resources). */
  function matching(terms: readonly string[]): readonly number[] | undefined {
    if (terms.length === 0) return undefined;
    // The term with the rarest bigram drives; the others narrow its candidates, or are checked on the text.
    const long = terms.filter((term) => !isShort(term)).map((term) => ({ term, lists: textPostings.lists(term) }));
    long.sort((a, b) => (a.lists[0]?.length ?? 0) - (b.lists[0]?.length ?? 0));
    const verify = terms.filter(isShort);
    let result: readonly number[] = long.length === 0 ? docs.map((_, docNo) => docNo) : (long[0]?.lists[0] ?? []);
    long.forEach(({ term, lists }, index) => {
      const narrowed = narrow(result, index === 0 ? lists.slice(1) : lists);
      result = narrowed.result;
      if (!narrowed.complete || !isExact(term)) verify.push(term);
    });
    if (verify.length === 0 || result.length === 0) return result;
    return result.filter((docNo) => {
      const text = (docs[docNo] as Doc).text;
      return verify.every((term) => text.includes(term));
    });
  }

  /** Adds each scored field's weight to the resources (among the selected) where a term occurs in that field. */
  function score(terms: readonly string[], total: number): number {
    for (let i = 0; i < total; i++) scores[matched[i] as number] = 0;
    for (const term of terms) {
      for (const field of SCORED_FIELDS) {
        const weight = WEIGHTS[field];
        if (total <= SCAN_LIMIT || isShort(term)) {
          for (let i = 0; i < total; i++) {
            const docNo = matched[i] as number;
            if ((docs[docNo] as Doc).fields[field].includes(term)) scores[docNo] = (scores[docNo] as number) + weight;
          }
          continue;
        }
        const [first = [], ...rest] = fieldPostings[field].lists(term);
        const exact = isExact(term);
        for (const docNo of isExact(term) ? first : narrow(first, rest).result) {
          if (selected[docNo] === 1 && (exact || (docs[docNo] as Doc).fields[field].includes(term))) scores[docNo] = (scores[docNo] as number) + weight;
        }
      }
    }
    let best = 0;
    for (let i = 0; i < total; i++) best = Math.max(best, scores[matched[i] as number] as number);
    return best;
  }

  /** A page of selected resources ordered by bucket (best first when desc), in name order within a bucket. */
  function bucketPage(bucketOf: Uint8Array | Uint16Array, buckets: number, order: 'asc' | 'desc', total: number, offset: number, limit: number): number[] {
    const counts = new Float64Array(buckets);
    for (let i = 0; i < total; i++) {
      const bucket = bucketOf[matched[i] as number] as number;
      counts[bucket] = (counts[bucket] as number) + 1;
    }
    const start = new Float64Array(buckets);
    let position = 0;
    for (let step = 0; step < buckets; step++) {
      const bucket = order === 'desc' ? buckets - 1 - step : step;
      start[bucket] = position;
      position += counts[bucket] as number;
    }
    const size = Math.max(0, Math.min(limit, total - offset));
    const out = new Array<number>(size);
    let filled = 0;
    for (const docNo of orders.name) {
      if (filled === size) break;
      if (selected[docNo] === 0) continue;
      const bucket = bucketOf[docNo] as number;
      const at = start[bucket] as number;
      start[bucket] = at + 1;
      if (at >= offset && at < offset + size) {
        out[at - offset] = docNo;
        filled++;
      }
    }
    return out;
  }

  function orderedPage(list: readonly number[], descending: boolean, offset: number, limit: number): number[] {
    const out: number[] = [];
    let position = 0;
    for (let i = 0; i < list.length && out.length < limit; i++) {
      const docNo = list[descending ? list.length - 1 - i : i] as number;
      if (selected[docNo] === 0) continue;
      if (position++ >= offset) out.push(docNo);
    }
    return out;
  }

  return {
    get size(): number {
      return docs.length;
    },

    /** Adds resources, or replaces the ones already indexed (by id). */
    upsert(resources: readonly IndexedResource[]): void {
      const incremental = resources.length <= INCREMENTAL_LIMIT && docs.length > 0;
      grow(docs.length + resources.length);
      for (const resource of resources) {
        providerNames.set(resource.providerCode, resource.providerName);
        const doc = toDoc(resource);
        const existing = byId.get(resource.id);
        if (existing === undefined) {
          const docNo = docs.length;
          docs.push(doc);
          byId.set(resource.id, docNo);
          setColumns(docNo, resource, null);
          const grams = gramsOf(doc);
          textPostings.add(docNo, grams.text);
          for (const field of SCORED_FIELDS) fieldPostings[field].add(docNo, grams[field]);
          if (incremental) for (const key of ORDER_KEYS) insertSorted(orders[key], docNo, comparators[key]);
          continue;
        }
        const old = docs[existing] as Doc;
        const [oldGrams, newGrams] = [gramsOf(old), gramsOf(doc)];
        for (const [postings, key] of [[textPostings, 'text'], ...SCORED_FIELDS.map((field) => [fieldPostings[field], field] as const)] as const) {
          const { removed, added } = diff(oldGrams[key], newGrams[key]);
          postings.remove(existing, removed);
          postings.add(existing, added);
        }
        if (incremental) for (const key of ORDER_KEYS) orders[key].splice(orders[key].indexOf(existing), 1);
        docs[existing] = doc;
        setColumns(existing, resource, old.resource.topic);
        if (incremental) for (const key of ORDER_KEYS) insertSorted(orders[key], existing, comparators[key]);
      }
      if (!incremental) for (const key of ORDER_KEYS) orders[key] = docs.map((_, docNo) => docNo).sort(comparators[key]);
    },

    /**
     * The freshness rank of every indexed resource whose topic has records, as one string: a search result stays
     * right while this is unchanged (a new record that leaves every rank as it was changes nothing).
     */
    freshnessSignature(freshness: FreshnessInput): string {
      let signature = '';
      for (const [topic, at] of freshness.lastRecords) {
        const docNos = topicDocs.get(topic);
        if (docNos === undefined) continue;
        for (const docNo of docNos) {
          const cycle = cycleMs[docNo] as number;
          const age = freshness.nowMs - at;
          signature += `${docNo}:${cycle > 0 && age > STALE_AFTER_CYCLES * cycle ? 2 : cycle > 0 && age > LATE_AFTER_CYCLES * cycle ? 1 : 0},`;
        }
      }
      return signature;
    },

    search(query: SearchQuery, freshness: FreshnessInput): SearchResult {
      const terms = queryTerms(query.q);
      const candidates = matching(terms);
      const count = candidates === undefined ? docs.length : candidates.length;

      const filters: [number, Uint8Array][] = [];
      STORED_FACETS.forEach((facet, index) => {
        const values = query.filters[facet];
        if (values === undefined || values.length === 0) return;
        const dictionary = dictionaries[index] as (typeof dictionaries)[number];
        const allowed = new Uint8Array(dictionary.values.length);
        for (const value of values) {
          const known = dictionary.codes.get(value);
          if (known !== undefined) allowed[known] = 1;
        }
        filters.push([index, allowed]);
      });
      const wantedFreshness = query.filters.freshness?.length ? FRESHNESS_VALUES.map((value) => query.filters.freshness?.includes(value) ?? false) : undefined;
      const topicLast = new Float64Array(topics.size);
      for (const [topic, at] of freshness.lastRecords) {
        const topicNo = topics.get(topic);
        if (topicNo !== undefined) topicLast[topicNo] = at;
      }
      const now = freshness.nowMs;

      const counts = dictionaries.map((dictionary) => new Uint32Array(dictionary.values.length));
      const freshnessCounts = [0, 0, 0];
      let total = 0;
      let validUntil = Infinity;
      let hits: SearchHit[];
      try {
        candidates: for (let i = 0; i < count; i++) {
          const docNo = candidates === undefined ? i : (candidates[i] as number);
          const base = docNo * FACET_COUNT;
          for (const [facet, allowed] of filters) if (allowed[facetCodes[base + facet] as number] !== 1) continue candidates;
          const cycle = cycleMs[docNo] as number;
          let rank = 0;
          if (cycle > 0) {
            const topicNo = topicOf[docNo] as number;
            const last = topicNo >= 0 ? (topicLast[topicNo] as number) : 0;
            const since = last > 0 ? last : (cataloguedMs[docNo] as number);
            const age = now - since;
            rank = age > STALE_AFTER_CYCLES * cycle ? 2 : age > LATE_AFTER_CYCLES * cycle ? 1 : 0;
            if (rank < 2) validUntil = Math.min(validUntil, since + (rank === 0 ? LATE_AFTER_CYCLES : STALE_AFTER_CYCLES) * cycle);
          }
          if (wantedFreshness !== undefined && !wantedFreshness[rank]) continue;
          selected[docNo] = 1;
          ranks[docNo] = rank;
          matched[total++] = docNo;
          for (let facet = 0; facet < FACET_COUNT; facet++) {
            const facetCounts = counts[facet] as Uint32Array;
            const value = facetCodes[base + facet] as number;
            facetCounts[value] = (facetCounts[value] as number) + 1;
          }
          freshnessCounts[rank] = (freshnessCounts[rank] as number) + 1;
        }

        const { offset, limit, order } = query;
        let page: number[];
        if (query.sort === 'relevance' && terms.length > 0) page = bucketPage(scores, score(terms, total) + 1, order, total, offset, limit);
        else if (query.sort === 'freshness') page = bucketPage(ranks, FRESHNESS_VALUES.length, order, total, offset, limit);
        // Relevance without a query has nothing to rank: name order.
        else if (query.sort === 'relevance') page = orderedPage(orders.name, false, offset, limit);
        else page = orderedPage(orders[query.sort], order === 'desc', offset, limit);
        hits = page.map((docNo) => ({ resource: (docs[docNo] as Doc).resource, freshnessRank: ranks[docNo] as number }));
      } finally {
        for (let i = 0; i < total; i++) selected[matched[i] as number] = 0;
      }

      const facets = {} as Record<FacetName, FacetBucket[]>;
      STORED_FACETS.forEach((facet, index) => {
        const dictionary = dictionaries[index] as (typeof dictionaries)[number];
        const buckets: FacetBucket[] = [];
        (counts[index] as Uint32Array).forEach((bucketCount, value) => {
          if (bucketCount === 0) return;
          const name = dictionary.values[value] as string;
          buckets.push(facet === 'provider' ? { value: name, count: bucketCount, label: providerNames.get(name) ?? name } : { value: name, count: bucketCount });
        });
        facets[facet] = buckets.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      });
      facets.freshness = FRESHNESS_VALUES.map((value, rank) => ({ value, count: freshnessCounts[rank] as number })).filter((bucket) => bucket.count > 0);
      return { total, hits, facets, validUntilMs: validUntil };
    },
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;
