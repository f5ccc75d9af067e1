import { FRESHNESS_BY_RANK } from '../../../catalog/freshness.ts';
import type { FacetBucket, FacetName, SearchHit } from '../../../catalog/search-index.ts';
import { VOCABULARY, type Label } from '../../../catalog/vocabulary.ts';

const FACET_LABELS: Record<Exclude<FacetName, 'provider'>, Readonly<Record<string, Label>>> = {
  kind: VOCABULARY.kinds,
  sharingType: VOCABULARY.sharingTypes,
  updateCycle: VOCABULARY.updateCycles,
  format: VOCABULARY.formats,
  freshness: VOCABULARY.freshness,
};

/** A search hit as the list shows it: no items, their count, and the freshness judged for this request. */
export function summaryOf(hit: SearchHit, lastRecords: ReadonlyMap<string, number>) {
  const { resource } = hit;
  const lastRecord = resource.topic === null ? undefined : lastRecords.get(resource.topic);
  return {
    id: resource.id,
    code: resource.code,
    name: resource.name,
    kind: resource.kind,
    providerCode: resource.providerCode,
    providerName: resource.providerName,
    summary: resource.summary,
    keywords: resource.keywords,
    format: resource.format,
    sharingType: resource.sharingType,
    updateCycle: resource.updateCycle,
    publishDate: resource.publishDate,
    updatedAt: resource.updatedAt,
    topic: resource.topic,
    itemCount: resource.itemNames.length,
    freshness: { state: FRESHNESS_BY_RANK[hit.freshnessRank] ?? 'on-time', lastRecordAt: lastRecord === undefined ? null : new Date(lastRecord).toISOString() },
  };
}

/** Facet buckets with a Chinese label each: the provider's name, or the vocabulary's label. */
export function facetsWithLabels(facets: Record<FacetName, FacetBucket[]>): Record<FacetName, { value: string; label: string; count: number }[]> {
  return Object.fromEntries(
    Object.entries(facets).map(([facet, buckets]) => [
      facet,
      buckets.map((bucket) => ({
        value: bucket.value,
        label: facet === 'provider' ? (bucket.label ?? bucket.value) : (FACET_LABELS[facet as Exclude<FacetName, 'provider'>][bucket.value]?.zh ?? bucket.value),
        count: bucket.count,
      })),
    ]),
  ) as Record<FacetName, { value: string; label: string; count: number }[]>;
}
