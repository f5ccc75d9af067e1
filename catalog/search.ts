import { performance } from 'node:perf_hooks';
import type { Clock } from './freshness.ts';
import type { CatalogDatabase, CatalogRepository } from './repository.ts';
import { createSearchIndex, type SearchQuery, type SearchResult } from './search-index.ts';
import { queryTerms } from './text-index.ts';

export interface CatalogSearchResult extends SearchResult {
  /** When the last record was published on each topic with records: what freshness was judged on. */
  lastRecords: ReadonlyMap<string, number>;
}

interface Cached {
  revision: bigint;
  signature: string;
  result: SearchResult;
}

/** Distinct searches whose results are kept; the oldest used is dropped first. */
const CACHE_SIZE = 1000;
/**
 * How long one read of the catalogue revision and the last record times serves searches. A change made on
 * another instance reaches this one's searches within this time; a change made here, at once (see `changed`).
 */
export const SNAPSHOT_TTL_MS = 500;

interface Snapshot {
  revision: bigint;
  lastRecords: Map<string, number>;
}

/**
 * The search index kept in step with the database, plus the per-topic last record times freshness needs.
 * Results are cached, and a cached result is used only while it is still exactly right: same catalogue
 * revision, same freshness rank of every resource with records, and before the next freshness transition of
 * a resource it considered.
 */
export function createCatalogSearch(deps: { db: CatalogDatabase; repository: CatalogRepository; clock: Clock }) {
  const index = createSearchIndex();
  const cache = new Map<string, Cached>();
  let revision = 0n;
  let catchingUp: Promise<void> | undefined;
  let latest: { readAt: number; snapshot: Promise<Snapshot> } | undefined;

  async function catchUp(target: bigint): Promise<void> {
    while (revision < target) {
      const changes = await deps.repository.changedSince(revision.toString());
      index.upsert(changes.resources);
      revision = BigInt(changes.revision);
    }
  }

  /** Brings the index to at least `target`; concurrent callers share one catch-up. */
  async function reach(target: bigint): Promise<void> {
    while (revision < target) {
      catchingUp ??= catchUp(target).finally(() => (catchingUp = undefined));
      await catchingUp;
    }
  }

  /** The catalogue revision and the last record time per topic, in one round trip. */
  async function readSnapshot(): Promise<Snapshot> {
    const { rows } = await deps.db.query<{ revision: string; last_records: Record<string, string> }>(
      `SELECT (SELECT revision::text FROM catalog_state) AS revision,
              (SELECT coalesce(json_object_agg(topic, last), '{}') FROM (
                 SELECT c.topic, max(t.last_published_at) AS last FROM connectors c JOIN connector_totals t ON t.connector_id = c.id
                  WHERE t.last_published_at IS NOT NULL GROUP BY c.topic) per_topic) AS last_records`,
    );
    const row = rows[0] as { revision: string; last_records: Record<string, string> };
    return { revision: BigInt(row.revision), lastRecords: new Map(Object.entries(row.last_records).map(([topic, at]) => [topic, Date.parse(at)])) };
  }

  /** The snapshot read at most SNAPSHOT_TTL_MS ago; concurrent searches share one read, and a failed read is not kept. */
  function snapshot(): Promise<Snapshot> {
    const now = performance.now();
    if (latest === undefined || now - latest.readAt >= SNAPSHOT_TTL_MS) {
      const reading = readSnapshot();
      latest = { readAt: now, snapshot: reading };
      reading.catch(() => {
        if (latest?.snapshot === reading) latest = undefined;
      });
    }
    return latest.snapshot;
  }

  function cacheKey(query: SearchQuery): string {
    const filters = Object.entries(query.filters).flatMap(([facet, values]) => (values && values.length > 0 ? [[facet, [...values].sort()]] : [])).sort();
    return JSON.stringify([queryTerms(query.q), filters, query.sort, query.order, query.limit, query.offset]);
  }

  return {
    /** Searches; `cache: false` for one-off searches (exports) that should not take a cache slot. */
    async search(query: SearchQuery, options: { cache?: boolean } = {}): Promise<CatalogSearchResult> {
      const current = await snapshot();
      await reach(current.revision);
      const freshness = { lastRecords: current.lastRecords, nowMs: deps.clock().getTime() };
      if (options.cache === false) return { ...index.search(query, freshness), lastRecords: current.lastRecords };
      const key = cacheKey(query);
      const signature = index.freshnessSignature(freshness);
      const cached = cache.get(key);
      cache.delete(key);
      let result: SearchResult;
      if (cached && cached.revision === revision && cached.signature === signature && freshness.nowMs < cached.result.validUntilMs) {
        result = cached.result;
      } else {
        result = index.search(query, freshness);
      }
      cache.set(key, { revision, signature, result });
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return { ...result, lastRecords: current.lastRecords };
    },

    /** Loads every change up to now: at start-up, so the first search is fast. */
    async refresh(): Promise<void> {
      await reach((await snapshot()).revision);
    },

    /** Call after a committed change on this instance: the next search reads the revision again and sees it. */
    changed(): void {
      latest = undefined;
    },

    get size(): number {
      return index.size;
    },
  };
}

export type CatalogSearch = ReturnType<typeof createCatalogSearch>;
