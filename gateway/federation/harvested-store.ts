import { performance } from 'node:perf_hooks';
import type { HarvestedDataset } from './dcat-reader.ts';
import type { Db } from '../plugins/db.ts';

/** A resource harvested from a peer, as the local catalogue shows it: read-only, linked to its original. */
export interface HarvestedResource extends Omit<HarvestedDataset, 'iri'> {
  id: string;
  origin: { peerId: string; instanceId: string; name: string; originalUrl: string };
  /** The dataset's IRI at its origin gateway. */
  originalUrl: string;
  harvestedAt: string;
}

export interface HarvestedQuery {
  q?: string | undefined;
  origin?: string | undefined;
  limit: number;
  offset: number;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const SELECT = `SELECT h.id, json_build_object('peerId', p.id, 'instanceId', p.instance_id, 'name', p.name, 'originalUrl', h.iri) AS origin, h.iri AS "originalUrl",
  h.code, h.name, h.summary, h.publisher, h.keywords, h.access_rights AS "accessRights", h.fields, ${iso('h.modified')} AS modified, ${iso('h.harvested_at')} AS "harvestedAt"
  FROM federation_harvested h JOIN federation_peers p ON p.id = h.peer_id`;
const text = (n: number) => `($${n}::text IS NULL OR h.name ILIKE '%' || $${n} || '%' OR h.summary ILIKE '%' || $${n} || '%' OR h.code = $${n} OR h.keywords ? $${n})`;
const WHERE = `WHERE ($1::text IS NULL OR p.instance_id = $1) AND ${text(2)}`;

/** How long one read of every harvested resource serves catalogue searches; a harvest on this instance resets it. */
export const HARVESTED_SNAPSHOT_TTL_MS = 500;

export function createHarvestedStore(db: Db) {
  let snapshot: { readAt: number; rows: Promise<HarvestedResource[]> } | undefined;
  return {
    async get(id: string): Promise<HarvestedResource | undefined> {
      return (await db.query<HarvestedResource>(`${SELECT} WHERE h.id = $1`, [id])).rows[0];
    },

    /** Every harvested resource of the peers with these instance ids (all peers when undefined), for the catalogue search. */
    async all(instanceIds?: readonly string[]): Promise<HarvestedResource[]> {
      const now = performance.now();
      if (snapshot === undefined || now - snapshot.readAt >= HARVESTED_SNAPSHOT_TTL_MS) {
        const reading = db.query<HarvestedResource>(`${SELECT} ORDER BY h.id`).then((result) => result.rows);
        const taken = { readAt: now, rows: reading };
        snapshot = taken;
        reading.catch(() => snapshot === taken && (snapshot = undefined));
      }
      const rows = await snapshot.rows;
      return instanceIds === undefined ? rows : rows.filter((row) => instanceIds.includes(row.origin.instanceId));
    },

    /** Call after harvested resources changed on this instance (a harvest, a peer removed): the next search reads them again. */
    changed(): void {
      snapshot = undefined;
    },

    /** A page of harvested resources, with the origin facet (来源平台) counted over the text filter alone. */
    async search(query: HarvestedQuery) {
      const q = query.q?.trim() || null;
      const origin = query.origin ?? null;
      const [items, total, facet] = await Promise.all([
        db.query<HarvestedResource>(`${SELECT} ${WHERE} ORDER BY p.instance_id, h.code LIMIT $3 OFFSET $4`, [origin, q, query.limit, query.offset]),
        db.query<{ total: number }>(`SELECT count(*)::int AS total FROM federation_harvested h JOIN federation_peers p ON p.id = h.peer_id ${WHERE}`, [origin, q]),
        db.query<{ instanceId: string; name: string; count: number }>(
          `SELECT p.instance_id AS "instanceId", p.name, count(*)::int AS count FROM federation_harvested h JOIN federation_peers p ON p.id = h.peer_id
            WHERE ${text(1)} GROUP BY p.instance_id, p.name ORDER BY p.instance_id`,
          [q],
        ),
      ]);
      return { items: items.rows, total: (total.rows[0] as { total: number }).total, facets: { origin: facet.rows } };
    },
  };
}

export type HarvestedStore = ReturnType<typeof createHarvestedStore>;
