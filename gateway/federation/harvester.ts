import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import type { Db } from '../plugins/db.ts';
import { readDcatPage, type HarvestedDataset } from './dcat-reader.ts';
import type { PeerClient } from './peer-client.ts';
import type { Peer, PeerStore } from './peer-store.ts';

export const HARVEST_PAGE_SIZE = 100;
const MAX_PAGES = 1000;

export interface HarvestOutcome {
  pages: number;
  /** Datasets new or changed here (one sent again unchanged is not counted). */
  upserted: number;
  deleted: number;
  /** What the next incremental harvest asks for (modifiedSince). */
  until: string | null;
}

/**
 * Harvests the catalogue a peer shares with this gateway: pages of DCAT-AP from GET /federation/v1/catalog.jsonld,
 * from its last harvest's time on (modifiedSince), every dataset upserted; datasets the peer's catalogue no longer
 * lists are deleted here. Changes and the new watermark are written in one transaction with their audit entry.
 */
export function createHarvester(deps: { db: Db; peers: PeerStore; client: PeerClient; audit: AuditLog; changed?: () => void }) {
  async function fetchAll(peer: Peer, since: string | null) {
    const datasets: HarvestedDataset[] = [];
    let listed: string[] | null = null;
    let catalogModified: string | null = null;
    let path: string | null = `/federation/v1/catalog.jsonld?pageSize=${HARVEST_PAGE_SIZE}&page=1${since ? `&modifiedSince=${encodeURIComponent(since)}` : ''}`;
    let pages = 0;
    while (path !== null && pages < MAX_PAGES) {
      const answer = await deps.client.call(peer.baseUrl, 'GET', path);
      if (answer.status !== 200) throw new Error(`the peer answered ${answer.status} to ${path}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      const page = readDcatPage(answer.body);
      pages += 1;
      datasets.push(...page.datasets);
      listed = page.listed ?? listed;
      catalogModified = page.catalogModified ?? catalogModified;
      if (page.next === null) path = null;
      else if (page.next.startsWith(`${peer.baseUrl}/`)) path = page.next.slice(peer.baseUrl.length);
      else throw new Error(`hydra:next ${page.next} leaves the peer's base URL`);
    }
    return { datasets, listed, catalogModified, pages };
  }

  return {
    async harvest(peer: Peer, actor: AuditActor = null, options: { full?: boolean } = {}): Promise<HarvestOutcome> {
      const since = options.full ? null : peer.harvestedUntil;
      let fetched: Awaited<ReturnType<typeof fetchAll>>;
      try {
        fetched = await fetchAll(peer, since);
      } catch (err) {
        await deps.peers.harvested(peer.id, { error: (err as Error).message.slice(0, 1000) });
        throw err;
      }
      // A catalogue that does not list its datasets (one page, no dcat:Catalog node) lists what it sent.
      const listed = fetched.listed ?? (since === null ? fetched.datasets.map((dataset) => dataset.iri) : null);
      const latest = fetched.datasets.reduce((max, dataset) => (dataset.modified > max ? dataset.modified : max), since ?? '');
      const until = fetched.catalogModified && fetched.catalogModified > latest ? new Date(fetched.catalogModified).toISOString() : latest || null;
      const outcome = await deps.db.transaction(async (client) => {
        let upserted = 0;
        for (const dataset of fetched.datasets) {
          const { rowCount } = await client.query(
            `INSERT INTO federation_harvested (peer_id, iri, code, name, summary, publisher, keywords, access_rights, fields, modified)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (peer_id, iri) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, summary = EXCLUDED.summary, publisher = EXCLUDED.publisher,
               keywords = EXCLUDED.keywords, access_rights = EXCLUDED.access_rights, fields = EXCLUDED.fields, modified = EXCLUDED.modified, harvested_at = now()
             WHERE federation_harvested.modified <> EXCLUDED.modified OR federation_harvested.fields <> EXCLUDED.fields`,
            [peer.id, dataset.iri, dataset.code, dataset.name, dataset.summary, dataset.publisher, JSON.stringify(dataset.keywords), dataset.accessRights, JSON.stringify(dataset.fields), dataset.modified],
          );
          upserted += rowCount ?? 0;
        }
        const deleted = listed === null ? 0 : (await client.query('DELETE FROM federation_harvested WHERE peer_id = $1 AND NOT (iri = ANY ($2))', [peer.id, listed])).rowCount ?? 0;
        await client.query('UPDATE federation_peers SET last_harvest_at = now(), last_harvest_error = NULL, harvested_until = COALESCE($2, harvested_until) WHERE id = $1', [peer.id, until]);
        const result = { pages: fetched.pages, upserted, deleted, until };
        if (actor !== null || result.upserted > 0 || deleted > 0) {
          await deps.audit.record({ principal: actor, action: 'federation.harvest', object: { type: 'federation-peer', id: peer.id }, details: { instanceId: peer.instanceId, since, ...result } }, client);
        }
        return result;
      });
      if (outcome.upserted > 0 || outcome.deleted > 0) deps.changed?.();
      return outcome;
    },
  };
}

export type Harvester = ReturnType<typeof createHarvester>;
