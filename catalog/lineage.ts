import type { Resource } from './model.ts';
import type { CatalogDatabase } from './repository.ts';

/** Where a connector's records come from, without credentials, query strings or anything else secret. */
export interface SourceSystem {
  /** `source:<connector id>`, the node id in `edges`. */
  id: string;
  type: string;
  kind: 'pull' | 'push';
  /**
   * The system's address: driver://host:port/database (sql-pull), scheme://host:port/path (http-pull), the watched
   * folder (file-drop); null for push sources, and for viewers outside the connector's department and the data office.
   */
  location: string | null;
  /** The table read, when a sql-pull connector names one. */
  object: string | null;
}

export interface LineageConnector {
  /** `connector:<connector id>`. */
  id: string;
  connectorId: string;
  name: string;
  departmentCode: string;
  type: string;
  state: string;
  deadLetterTopic: string;
  published: number;
  rejected: number;
  lastRecordAt: string | null;
}

/** A consumer's subscription to the resource, as the subscriptions module reports it. */
export interface LineageSubscription {
  /** `subscription:<subscription id>`. */
  id: string;
  subscriptionId: string;
  consumer: string;
  state: string;
}

/**
 * The seam for the subscriptions module (gateway/plugins/subscriptions.ts registers it): given a resource and who
 * looks, the subscriptions that viewer may see. Until one is registered with `setSubscriptionSource`, lineage lists none.
 */
export type SubscriptionSource = (resource: Pick<Resource, 'id' | 'code' | 'topic' | 'providerCode'>, viewer: Viewer) => Promise<Omit<LineageSubscription, 'id'>[]>;

export interface Lineage {
  resourceId: string;
  /** `topic:<name>`, or null when the resource maps to no topic. */
  topic: { id: string; name: string; schemaSubject: string | null } | null;
  sources: SourceSystem[];
  connectors: LineageConnector[];
  subscriptions: LineageSubscription[];
  /** source → connector → topic → subscription. */
  edges: { from: string; to: string }[];
}

export interface Viewer {
  /** The principal's id, when known. */
  id?: string;
  kind: 'office' | 'department' | 'integrator';
  departmentCode: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

function withoutSecrets(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return null;
  }
}

/** A connector's source system from its type and config; only fields known to be addresses are read. */
export function describeSource(type: string, config: Record<string, unknown>): { location: string | null; object: string | null } {
  switch (type) {
    case 'sql-pull': {
      const host = text(config['host']);
      if (host === null) return { location: null, object: null };
      const port = typeof config['port'] === 'number' ? `:${config['port']}` : '';
      const address = host.includes(':') ? `[${host}]` : host;
      return { location: `${text(config['driver']) ?? 'sql'}://${address}${port}/${text(config['database']) ?? ''}`, object: text(config['table']) };
    }
    case 'http-pull': {
      const url = text(config['url']);
      return { location: url === null ? null : withoutSecrets(url), object: null };
    }
    case 'file-drop':
      return { location: text(config['directory']), object: null };
    default:
      return { location: null, object: null };
  }
}

/** Lineage of a resource: source systems → connectors → topic → subscriptions. */
export function createCatalogLineage(deps: { db: CatalogDatabase }) {
  let subscriptionSource: SubscriptionSource = async () => [];

  return {
    setSubscriptionSource(source: SubscriptionSource): void {
      subscriptionSource = source;
    },

    async forResource(resource: Resource, viewer: Viewer): Promise<Lineage> {
      const topicId = resource.topic === null ? null : `topic:${resource.topic}`;
      if (resource.topic === null) return { resourceId: resource.id, topic: null, sources: [], connectors: [], subscriptions: [], edges: [] };
      const [{ rows }, subscriptions] = await Promise.all([
        deps.db.query<{ id: string; name: string; department_code: string; type: string; kind: 'pull' | 'push'; state: string; dead_letter_topic: string; config: Record<string, unknown>; published: string | null; rejected: string | null; last_published_at: string | null }>(
          `SELECT c.id, c.name, c.department_code, c.type, c.kind, c.state, c.dead_letter_topic, c.config, t.published::text, t.rejected::text,
                  to_json(t.last_published_at)#>>'{}' AS last_published_at
             FROM connectors c LEFT JOIN connector_totals t ON t.connector_id = c.id WHERE c.topic = $1 ORDER BY c.created_at, c.id`,
          [resource.topic],
        ),
        subscriptionSource(resource, viewer),
      ]);
      const sources: SourceSystem[] = [];
      const connectors: LineageConnector[] = [];
      const edges: Lineage['edges'] = [];
      for (const row of rows) {
        const mayLocate = viewer.kind === 'office' || viewer.departmentCode === row.department_code;
        const source = describeSource(row.type, row.config);
        sources.push({ id: `source:${row.id}`, type: row.type, kind: row.kind, location: mayLocate ? source.location : null, object: mayLocate ? source.object : null });
        connectors.push({
          id: `connector:${row.id}`,
          connectorId: row.id,
          name: row.name,
          departmentCode: row.department_code,
          type: row.type,
          state: row.state,
          deadLetterTopic: row.dead_letter_topic,
          published: Number(row.published ?? 0),
          rejected: Number(row.rejected ?? 0),
          lastRecordAt: row.last_published_at ? new Date(row.last_published_at).toISOString() : null,
        });
        edges.push({ from: `source:${row.id}`, to: `connector:${row.id}` }, { from: `connector:${row.id}`, to: topicId as string });
      }
      const subscribed = subscriptions.map((subscription) => ({ ...subscription, id: `subscription:${subscription.subscriptionId}` }));
      for (const subscription of subscribed) edges.push({ from: topicId as string, to: subscription.id });
      return { resourceId: resource.id, topic: { id: topicId as string, name: resource.topic, schemaSubject: resource.schemaSubject }, sources, connectors, subscriptions: subscribed, edges };
    },
  };
}

export type CatalogLineage = ReturnType<typeof createCatalogLineage>;
