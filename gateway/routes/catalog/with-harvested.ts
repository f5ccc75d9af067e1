import type { SearchQuery as IndexQuery } from '../../../catalog/search-index.ts';
import { normalise, queryTerms } from '../../../catalog/text-index.ts';
import type { HarvestedResource } from '../../federation/harvested-store.ts';

/** The origin filter's value for this gateway's own resources. */
export const LOCAL_ORIGIN = 'local';
export const LOCAL_ORIGIN_LABEL = '本平台';

/** Filters only local resources have (harvested ones carry no kind, cycle, sharing type, format or freshness here). */
const LOCAL_ONLY_FILTERS = ['provider', 'kind', 'sharingType', 'updateCycle', 'format', 'freshness'] as const;

/** Which sources a search reads: this gateway's catalogue, and the peers whose harvested resources it lists. */
export function originsOf(query: IndexQuery, origin: readonly string[] | undefined): { local: boolean; peers: string[] | undefined; harvested: boolean } {
  const chosen = origin ?? [];
  const local = chosen.length === 0 || chosen.includes(LOCAL_ORIGIN);
  const peers = chosen.length === 0 ? undefined : chosen.filter((value) => value !== LOCAL_ORIGIN);
  const localOnly = LOCAL_ONLY_FILTERS.some((facet) => (query.filters[facet]?.length ?? 0) > 0);
  return { local, peers, harvested: !localOnly && (peers === undefined || peers.length > 0) };
}

/** Whether every query word occurs in the resource's code, name, summary, keywords, publisher or field names. */
function matches(resource: HarvestedResource, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const text = normalise([resource.code, resource.name, resource.summary, resource.publisher, ...resource.keywords, ...resource.fields.map((field) => field.name)].join('\n'));
  return terms.every((term) => text.includes(term));
}

/** A harvested resource as the catalogue list shows it: what the peer published, its origin, and no local-only facets. */
export function harvestedSummary(resource: HarvestedResource) {
  return {
    id: resource.id,
    code: resource.code,
    name: resource.name,
    kind: null,
    providerCode: resource.origin.instanceId,
    providerName: resource.publisher || resource.origin.name,
    summary: resource.summary,
    keywords: resource.keywords,
    format: null,
    sharingType: null,
    updateCycle: null,
    publishDate: null,
    updatedAt: resource.modified,
    topic: null,
    itemCount: resource.fields.length,
    freshness: null,
    origin: resource.origin,
    readOnly: true,
  };
}

type Summary = { name: string; id: string; publishDate: string | null; updatedAt: string };

const collator = new Intl.Collator('zh-CN');
/** A harvested resource has no publish date here: the day its peer last modified it stands in. */
const day = (summary: Summary) => summary.publishDate ?? summary.updatedAt.slice(0, 10);
const byId = (a: Summary, b: Summary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const COMPARE: Partial<Record<IndexQuery['sort'], (a: Summary, b: Summary) => number>> = {
  name: (a, b) => collator.compare(a.name, b.name) || byId(a, b),
  publishDate: (a, b) => (day(a) < day(b) ? -1 : day(a) > day(b) ? 1 : byId(a, b)),
  updated: (a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || byId(a, b),
};

/** The harvested resources a search finds, in the search's order. */
export function harvestedMatching(resources: readonly HarvestedResource[], query: IndexQuery) {
  const terms = queryTerms(query.q);
  const found = resources.filter((resource) => matches(resource, terms)).map(harvestedSummary);
  const compare = COMPARE[query.sort] ?? COMPARE.name;
  const sign = COMPARE[query.sort] && query.order === 'desc' ? -1 : 1;
  return found.sort((a, b) => sign * (compare as NonNullable<typeof compare>)(a, b));
}

/**
 * One page over both lists, each already in the search's order: by name and dates they are merged; by relevance
 * and freshness, which harvested resources have no measure of here, local resources come first.
 */
export function mergePage<L extends Summary, H extends Summary>(local: readonly L[], harvested: readonly H[], query: IndexQuery): (L | H)[] {
  const compare = COMPARE[query.sort];
  const page: (L | H)[] = [];
  const end = query.offset + query.limit;
  let i = 0;
  let j = 0;
  while (page.length < end && (i < local.length || j < harvested.length)) {
    const takeLocal = j >= harvested.length || (i < local.length && (compare === undefined || (query.order === 'desc' ? -1 : 1) * compare(local[i] as L, harvested[j] as H) <= 0));
    page.push(takeLocal ? (local[i++] as L) : (harvested[j++] as H));
  }
  return page.slice(query.offset);
}

/** The origin facet (来源平台): this gateway and each peer, with their counts in the filtered result. */
export function originFacet(localTotal: number, harvested: readonly { origin: { instanceId: string; name: string } }[]) {
  const peers = new Map<string, { value: string; label: string; count: number }>();
  for (const { origin } of harvested) {
    const bucket = peers.get(origin.instanceId) ?? { value: origin.instanceId, label: origin.name, count: 0 };
    bucket.count += 1;
    peers.set(origin.instanceId, bucket);
  }
  const buckets = [...(localTotal > 0 ? [{ value: LOCAL_ORIGIN, label: LOCAL_ORIGIN_LABEL, count: localTotal }] : []), ...peers.values()];
  return buckets.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}
