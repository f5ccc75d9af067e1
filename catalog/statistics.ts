import { judgeFreshness, type Clock, type Freshness } from './freshness.ts';
import type { Resource } from './model.ts';
import type { CatalogDatabase } from './repository.ts';

export interface ResourceStatistics {
  /** Connectors feeding the resource's topic. */
  connectors: number;
  read: number;
  published: number;
  rejected: number;
  last24h: { published: number; rejected: number };
  lastRecordAt: string | null;
  lastErrorAt: string | null;
  schema: { subject: string; version: number; id: number } | null;
  freshness: Freshness & { cycle: Resource['updateCycle'] };
  asOf: string;
}

export const BUCKETS = { minute: 60_000, hour: 3_600_000 } as const;
export type Bucket = keyof typeof BUCKETS;
/** Most points one throughput series may have. */
export const MAX_POINTS = 1440;

export interface ThroughputSeries {
  bucket: Bucket;
  from: string;
  to: string;
  points: { at: string; published: number; rejected: number }[];
}

/** What the statistics need of the schema registry. */
export type LatestSchema = (subject: string) => Promise<{ version: number; id: number } | undefined>;

const num = (value: string | number | null | undefined) => Number(value ?? 0);

/**
 * Live statistics of a resource, summed over the connectors whose topic is the resource's topic, from the totals
 * and per-minute throughput the pipeline commits with its offsets. Counts of a deleted connector leave with it.
 */
export function createCatalogStatistics(deps: { db: CatalogDatabase; clock: Clock; latestSchema: LatestSchema }) {
  return {
    async forResource(resource: Resource): Promise<ResourceStatistics> {
      const now = deps.clock();
      const [totals, recent, schema] = await Promise.all([
        deps.db.query<{ connectors: number; read: string; published: string; rejected: string; last_published_at: string | null; last_error_at: string | null }>(
          `SELECT count(c.id)::int AS connectors, coalesce(sum(t.read), 0)::text AS read, coalesce(sum(t.published), 0)::text AS published,
                  coalesce(sum(t.rejected), 0)::text AS rejected, to_json(max(t.last_published_at))#>>'{}' AS last_published_at,
                  to_json(max(t.last_error_at))#>>'{}' AS last_error_at
             FROM connectors c LEFT JOIN connector_totals t ON t.connector_id = c.id WHERE c.topic = $1`,
          [resource.topic],
        ),
        deps.db.query<{ published: string; rejected: string }>(
          `SELECT coalesce(sum(tp.published), 0)::text AS published, coalesce(sum(tp.rejected), 0)::text AS rejected
             FROM connector_throughput tp JOIN connectors c ON c.id = tp.connector_id
            WHERE c.topic = $1 AND tp.minute > $2::timestamptz - interval '24 hours' AND tp.minute <= $2::timestamptz`,
          [resource.topic, now.toISOString()],
        ),
        resource.schemaSubject === null ? undefined : deps.latestSchema(resource.schemaSubject),
      ]);
      const row = totals.rows[0];
      const last = recent.rows[0];
      const lastRecordAt = row?.last_published_at ? new Date(row.last_published_at) : null;
      return {
        connectors: row?.connectors ?? 0,
        read: num(row?.read),
        published: num(row?.published),
        rejected: num(row?.rejected),
        last24h: { published: num(last?.published), rejected: num(last?.rejected) },
        lastRecordAt: lastRecordAt?.toISOString() ?? null,
        lastErrorAt: row?.last_error_at ? new Date(row.last_error_at).toISOString() : null,
        schema: schema && resource.schemaSubject !== null ? { subject: resource.schemaSubject, version: schema.version, id: schema.id } : null,
        freshness: { cycle: resource.updateCycle, ...judgeFreshness(resource.updateCycle, lastRecordAt, new Date(resource.createdAt), now) },
        asOf: now.toISOString(),
      };
    },

    /** Records published and rejected per bucket in [from, to), every bucket present (zeros included) for charts. */
    async throughput(resource: Resource, window: { bucket: Bucket; from: Date; to: Date }): Promise<ThroughputSeries> {
      const size = BUCKETS[window.bucket];
      const start = Math.floor(window.from.getTime() / size) * size;
      const end = Math.ceil(window.to.getTime() / size) * size;
      const { rows } = await deps.db.query<{ at: string; published: string; rejected: string }>(
        `SELECT (floor(extract(epoch FROM tp.minute) * 1000 / $4::int8) * $4::int8)::int8::text AS at, sum(tp.published)::text AS published, sum(tp.rejected)::text AS rejected
           FROM connector_throughput tp JOIN connectors c ON c.id = tp.connector_id
          WHERE c.topic = $1 AND tp.minute >= $2::timestamptz AND tp.minute < $3::timestamptz
          GROUP BY 1`,
        [resource.topic, new Date(start).toISOString(), new Date(end).toISOString(), size],
      );
      const byBucket = new Map(rows.map((row) => [num(row.at), row]));
      const points: ThroughputSeries['points'] = [];
      for (let at = start; at < end; at += size) {
        const row = byBucket.get(at);
        points.push({ at: new Date(at).toISOString(), published: num(row?.published), rejected: num(row?.rejected) });
      }
      return { bucket: window.bucket, from: new Date(start).toISOString(), to: new Date(end).toISOString(), points };
    },
  };
}

export type CatalogStatistics = ReturnType<typeof createCatalogStatistics>;
