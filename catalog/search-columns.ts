import { CYCLE_MS, LATE_AFTER_CYCLES, STALE_AFTER_CYCLES } from './freshness.ts';
import type { IndexedResource } from './repository.ts';
import { FRESHNESS_VALUES, STORED_FACETS, type FacetBucket, type FacetName, type FreshnessInput, type SearchQuery, type StoredFacet } from './search-query.ts';

const FACET_COUNT = STORED_FACETS.length;

interface Dictionary {
  codes: Map<string, number>;
  values: string[];
}

function code(dictionary: Dictionary, value: string): number {
  let found = dictionary.codes.get(value);
  if (found === undefined) {
    found = dictionary.values.length;
    dictionary.codes.set(value, found);
    dictionary.values.push(value);
  }
  return found;
}

const facetValue = (resource: IndexedResource, facet: StoredFacet): string => (facet === 'provider' ? resource.providerCode : resource[facet]);

/** 0 on time, 1 late, 2 stale: the age of the last record (or of the cataloguing) against the update cycle. */
const rankOf = (ageMs: number, cycleMs: number): number => (cycleMs > 0 && ageMs > STALE_AFTER_CYCLES * cycleMs ? 2 : cycleMs > 0 && ageMs > LATE_AFTER_CYCLES * cycleMs ? 1 : 0);

/** What one search selected: the count, the facet counts and how long its freshness ranks hold. */
export interface Selected {
  total: number;
  counts: Uint32Array[];
  freshnessCounts: number[];
  validUntilMs: number;
}

/**
 * The typed columns of the catalogue search, by resource number: facet values coded through one dictionary per
 * facet, the update cycle, the cataloguing and update times and the topic, so that filters, facets and freshness
 * cost one pass over the matches. Also the scratch space of one search (`selected`, `ranks`, `scores`,
 * `matched`), reused because searches are synchronous; arrays grow by doubling and are replaced when they do.
 */
export function createSearchColumns() {
  const dictionaries: Dictionary[] = STORED_FACETS.map(() => ({ codes: new Map<string, number>(), values: [] }));
  const providerNames = new Map<string, string>();
  const topics = new Map<string, number>();
  /** Resources by topic (a topic names one resource, but the index does not rely on it). */
  const topicDocs = new Map<string, Set<number>>();

  const columns = {
    capacity: 0,
    facetCodes: new Int32Array(0),
    cycleMs: new Float64Array(0),
    cataloguedMs: new Float64Array(0),
    updatedMs: new Float64Array(0),
    topicOf: new Int32Array(0),
    selected: new Uint8Array(0),
    ranks: new Uint8Array(0),
    scores: new Uint16Array(0),
    matched: new Int32Array(0),

    grow(needed: number): void {
      if (needed <= columns.capacity) return;
      const capacity = Math.max(needed, columns.capacity * 2, 256);
      columns.capacity = capacity;
      const resize = <T extends Int32Array | Float64Array>(old: T, make: (size: number) => T, size: number): T => {
        const next = make(size);
        next.set(old as never);
        return next;
      };
      columns.facetCodes = resize(columns.facetCodes, (size) => new Int32Array(size), capacity * FACET_COUNT);
      columns.cycleMs = resize(columns.cycleMs, (size) => new Float64Array(size), capacity);
      columns.cataloguedMs = resize(columns.cataloguedMs, (size) => new Float64Array(size), capacity);
      columns.updatedMs = resize(columns.updatedMs, (size) => new Float64Array(size), capacity);
      columns.topicOf = resize(columns.topicOf, (size) => new Int32Array(size), capacity);
      columns.selected = new Uint8Array(capacity);
      columns.ranks = new Uint8Array(capacity);
      columns.scores = new Uint16Array(capacity);
      columns.matched = new Int32Array(capacity);
    },

    set(docNo: number, resource: IndexedResource, previousTopic: string | null): void {
      providerNames.set(resource.providerCode, resource.providerName);
      if (previousTopic !== null) topicDocs.get(previousTopic)?.delete(docNo);
      if (resource.topic !== null) {
        const onTopic = topicDocs.get(resource.topic) ?? new Set<number>();
        topicDocs.set(resource.topic, onTopic.add(docNo));
      }
      STORED_FACETS.forEach((facet, index) => (columns.facetCodes[docNo * FACET_COUNT + index] = code(dictionaries[index] as Dictionary, facetValue(resource, facet))));
      columns.cycleMs[docNo] = CYCLE_MS[resource.updateCycle] ?? 0;
      columns.cataloguedMs[docNo] = Date.parse(resource.createdAt);
      columns.updatedMs[docNo] = Date.parse(resource.updatedAt);
      columns.topicOf[docNo] = resource.topic === null ? -1 : (topics.get(resource.topic) ?? topics.set(resource.topic, topics.size).size - 1);
    },

    /** The freshness rank of every resource whose topic has records, as one string (see the index's freshnessSignature). */
    freshnessSignature(freshness: FreshnessInput): string {
      let signature = '';
      for (const [topic, at] of freshness.lastRecords) {
        const docNos = topicDocs.get(topic);
        if (docNos === undefined) continue;
        for (const docNo of docNos) signature += `${docNo}:${rankOf(freshness.nowMs - at, columns.cycleMs[docNo] as number)},`;
      }
      return signature;
    },

    /**
     * Marks in `selected`, `ranks` and `matched` the candidates (all `count` resources when undefined) that pass
     * the query's filters, counting facets over them. The caller clears `selected` after use.
     */
    select(candidates: readonly number[] | undefined, count: number, query: SearchQuery, freshness: FreshnessInput): Selected {
      const filters: [number, Uint8Array][] = [];
      STORED_FACETS.forEach((facet, index) => {
        const values = query.filters[facet];
        if (values === undefined || values.length === 0) return;
        const dictionary = dictionaries[index] as Dictionary;
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
      const { facetCodes, cycleMs, topicOf, cataloguedMs, selected, ranks, matched } = columns;

      const counts = dictionaries.map((dictionary) => new Uint32Array(dictionary.values.length));
      const freshnessCounts = [0, 0, 0];
      let total = 0;
      let validUntil = Infinity;
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
          rank = rankOf(now - since, cycle);
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
      return { total, counts, freshnessCounts, validUntilMs: validUntil };
    },

    /** The facet buckets of a selection, most frequent first (ties by value); providers carry their names. */
    facets({ counts, freshnessCounts }: Selected): Record<FacetName, FacetBucket[]> {
      const facets = {} as Record<FacetName, FacetBucket[]>;
      STORED_FACETS.forEach((facet, index) => {
        const dictionary = dictionaries[index] as Dictionary;
        const buckets: FacetBucket[] = [];
        (counts[index] as Uint32Array).forEach((bucketCount, value) => {
          if (bucketCount === 0) return;
          const name = dictionary.values[value] as string;
          buckets.push(facet === 'provider' ? { value: name, count: bucketCount, label: providerNames.get(name) ?? name } : { value: name, count: bucketCount });
        });
        facets[facet] = buckets.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      });
      facets.freshness = FRESHNESS_VALUES.map((value, rank) => ({ value, count: freshnessCounts[rank] as number })).filter((bucket) => bucket.count > 0);
      return facets;
    },
  };
  return columns;
}

export type SearchColumns = ReturnType<typeof createSearchColumns>;
