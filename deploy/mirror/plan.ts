import type { MirrorConfig, MirrorFlow } from './mirror-maker.ts';

/** How MirrorMaker reaches one cluster: its bootstrap servers and, for a secured listener, its client settings. */
export interface ClusterSettings {
  bootstrapServers: string[];
  properties?: Record<string, string>;
}

export interface PlanSource {
  /** The owner's gateway, whose plan says what may leave its cluster. */
  gatewayUrl: string;
  /** A data office key of that gateway (peers:read). */
  apiKey: string;
  /** Cluster alias (instance id) to how MirrorMaker reaches it: this gateway's own and its peers'. */
  clusters: Record<string, ClusterSettings>;
}

export interface MirrorPlan {
  config: MirrorConfig;
  /** Peers with topics to mirror whose cluster the clusters file does not name: nothing goes to them. */
  unknownClusters: string[];
}

interface PeerRow {
  id: string;
  instanceId: string;
  confirmed: boolean;
}

export class PlanUnavailable extends Error {
  readonly retriable = true;
}

async function getJson<T>(source: PlanSource, path: string): Promise<T> {
  const response = await fetch(new URL(path, source.gatewayUrl), { headers: { authorization: `Bearer ${source.apiKey}` }, signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => {
    throw new PlanUnavailable(`${source.gatewayUrl} did not answer ${path}`, { cause: err });
  });
  if (!response.ok) throw new PlanUnavailable(`${source.gatewayUrl}${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as T;
}

/**
 * The owner's mirror plan as a MirrorMaker configuration: for every confirmed peer, the exact projected topics of
 * its active requests (GET /api/v1/peers/{id}/mirror), copied from this gateway's cluster into the peer's. Only
 * clusters that receive something are listed, so MirrorMaker connects to no other.
 */
export async function readMirrorPlan(source: PlanSource): Promise<MirrorPlan> {
  const self = await getJson<{ instanceId: string }>(source, '/api/v1/peers/self');
  const own = source.clusters[self.instanceId];
  if (!own) throw new Error(`The clusters file names no cluster for this gateway (${self.instanceId})`);
  const peers = (await getJson<{ items: PeerRow[] }>(source, '/api/v1/peers')).items.filter((peer) => peer.confirmed);
  const flows: MirrorFlow[] = [];
  const unknownClusters: string[] = [];
  for (const peer of peers) {
    const plan = await getJson<{ source: string; target: string; topics: string[] }>(source, `/api/v1/peers/${encodeURIComponent(peer.id)}/mirror`);
    if (plan.topics.length === 0) continue;
    if (!source.clusters[plan.target]) unknownClusters.push(plan.target);
    else flows.push({ source: plan.source, target: plan.target, topics: [...plan.topics].sort() });
  }
  flows.sort((a, b) => a.target.localeCompare(b.target));
  const aliases = [self.instanceId, ...flows.map((flow) => flow.target)];
  const clusters = Object.fromEntries(aliases.map((alias) => [alias, (source.clusters[alias] as ClusterSettings).bootstrapServers]));
  const clusterProperties = Object.fromEntries(aliases.flatMap((alias) => (source.clusters[alias]?.properties ? [[alias, source.clusters[alias].properties]] : [])));
  return { config: { clusters, clusterProperties, flows }, unknownClusters };
}
