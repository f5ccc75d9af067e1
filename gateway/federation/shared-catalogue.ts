import { toDcat, type DcatOptions } from '../../catalog/export/dcat.ts';
import type { Resource } from '../../catalog/model.ts';
import type { CatalogRepository } from '../../catalog/repository.ts';
import type { Db } from '../plugins/db.ts';

/** Namespace of the few terms DCAT-AP has none for: the requestable items of a dataset. */
export const DX_NAMESPACE = 'https://dx.gov.cn/ns/federation#';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';
export const MAX_PAGE_SIZE = 500;

export interface SharedPageQuery {
  /** Only datasets modified (or shared) at or after this time; absent: all. */
  modifiedSince?: string | undefined;
  page: number;
  pageSize: number;
}

interface SharedRow {
  id: string;
  modified: Date;
}

/**
 * The catalogue as one peer sees it: the resources shared with it (never a not-shared one), as DCAT-AP JSON-LD,
 * paged with Hydra (hydra:view with hydra:next), incremental by dct:modified, where a dataset's modification is
 * the later of its change and its being shared. The dcat:Catalog node lists every dataset shared now on every
 * page, so a harvester drops what is gone.
 */
export function createSharedCatalogue(deps: { db: Db; repository: CatalogRepository }) {
  async function sharedNow(peerId: string): Promise<SharedRow[]> {
    const { rows } = await deps.db.query<SharedRow>(
      `SELECT r.id, GREATEST(r.updated_at, COALESCE(c.changed_at, s.created_at)) AS modified
         FROM federation_shares s
         JOIN catalog_resources r ON r.id = s.resource_id
         LEFT JOIN federation_share_changes c ON c.peer_id = s.peer_id AND c.resource_id = s.resource_id
        WHERE s.peer_id = $1 AND r.sharing->>'type' <> 'not-shared'
        ORDER BY modified, r.id`,
      [peerId],
    );
    return rows;
  }

  return {
    async isShared(peerId: string, resourceId: string): Promise<boolean> {
      return (await sharedNow(peerId)).some((row) => row.id === resourceId);
    },

    async page(peerId: string, query: SharedPageQuery, describe: Omit<DcatOptions, 'modified'>, pageUrl: (page: number) => string): Promise<Record<string, unknown>> {
      const all = await sharedNow(peerId);
      const since = query.modifiedSince === undefined ? 0 : Date.parse(query.modifiedSince);
      const changed = all.filter((row) => row.modified.getTime() >= since);
      const slice = changed.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
      const resources = await deps.repository.list(slice.map((row) => row.id));
      const modifiedOf = new Map(slice.map((row) => [row.id, row.modified]));
      const ordered = slice.flatMap((row) => resources.find((resource) => resource.id === row.id) ?? []);
      const latest = all.reduce((max, row) => Math.max(max, row.modified.getTime()), 0);
      const document = toDcat(ordered.map((resource) => ({ ...resource, updatedAt: (modifiedOf.get(resource.id) as Date).toISOString() })), { ...describe, modified: new Date(latest || Date.now()) });
      const graph = document['@graph'] as Record<string, unknown>[];
      const base = describe.baseUrl.replace(/\/+$/, '');
      const catalogNode = graph[0] as Record<string, unknown>;
      catalogNode['dcat:dataset'] = all.map((row) => `${base}/api/v1/catalog/resources/${row.id}`);
      for (const node of graph) {
        const resource = ordered.find((candidate) => node['@id'] === `${base}/api/v1/catalog/resources/${candidate.id}`);
        if (resource) node['dx:item'] = requestableItems(resource);
      }
      const last = Math.max(1, Math.ceil(changed.length / query.pageSize));
      graph.push({
        '@id': pageUrl(query.page),
        '@type': 'hydra:PartialCollectionView',
        'hydra:totalItems': changed.length,
        'hydra:first': pageUrl(1),
        'hydra:last': pageUrl(last),
        ...(query.page < last ? { 'hydra:next': pageUrl(query.page + 1) } : {}),
      });
      return { ...document, '@context': { ...(document['@context'] as object), hydra: HYDRA, dx: DX_NAMESPACE } };
    },
  };
}

/** The items a peer's integrator may ask for: shareable and delivered; with their masking, as the owner applies it. */
function requestableItems(resource: Resource) {
  return resource.items
    .filter((item) => item.shareable && item.masking !== 'drop' && item.canonicalField !== null)
    .map((item) => ({ 'dx:field': item.canonicalField, 'dct:title': item.name, 'dx:dataType': item.dataType, 'dx:masking': item.masking }));
}

export type SharedCatalogue = ReturnType<typeof createSharedCatalogue>;
