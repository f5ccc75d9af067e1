import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { createHarvestedStore, type HarvestedStore } from '../federation/harvested-store.ts';
import { createHarvester, type Harvester } from '../federation/harvester.ts';
import { createIncomingRequests, type IncomingRequests } from '../federation/incoming-requests.ts';
import { loadInstanceKey } from '../federation/instance-key.ts';
import { createOutgoingRequests, type OutgoingRequests } from '../federation/outgoing-requests.ts';
import { createPeerClient, type PeerClient } from '../federation/peer-client.ts';
import { createPeerService, type PeerService } from '../federation/peer-service.ts';
import { createPeerStore, type PeerStore } from '../federation/peer-store.ts';
import { registerMirrorLag } from '../federation/mirror-lag.ts';
import { clearSeenOnClose } from '../federation/mirror-records.ts';
import { createMirrorRuntime, type MirrorRuntime } from '../federation/mirror-runtime.ts';
import { createSharedCatalogue, type SharedCatalogue } from '../federation/shared-catalogue.ts';
import { createTopicEndOffset } from '../kafka/topic-end-offsets.ts';

export interface FederationOptions {
  instanceId: string;
  instanceName: string;
  /** How often confirmed peers are harvested and outgoing requests synchronised; 0: on demand only. */
  harvestIntervalMs: number;
  timeoutMs: number;
  /** Local delivery of mirrored topics (webhook workers, kafka ACLs), as the subscriptions' delivery runs. */
  delivery: { heartbeatMs: number; leaseTtlMs: number; webhook: { maxAttempts: number; backoffMs: number; timeoutMs: number } };
}

export interface Federation {
  instance: { instanceId: string; name: string; publicKey: string };
  peers: PeerStore;
  service: PeerService;
  client: PeerClient;
  harvester: Harvester;
  shared: SharedCatalogue;
  harvested: HarvestedStore;
  /** The owner's side of the request cascade. */
  incoming: IncomingRequests;
  /** The requesting side of the request cascade. */
  outgoing: OutgoingRequests;
  /** Local delivery of active outgoing requests' mirrored topics (webhook workers, kafka ACLs). */
  delivery: MirrorRuntime;
  /** Work done on every harvest tick besides harvesting (the request cascade registers its synchronisation). */
  onTick(work: () => Promise<void>): void;
  /** Harvests every confirmed peer and runs the tick's other work; errors are logged per peer. */
  tick(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Federation with peer gateways (gateway/federation/): this instance's key, the peers, the harvester. */
    federation: Federation;
  }
}

/**
 * Decorates `federation`. On the first start the instance's Ed25519 key pair is generated; its public key is
 * logged on every start, for the operator to hand to the peers' data offices.
 */
async function federationPlugin(app: FastifyInstance, options: FederationOptions): Promise<void> {
  const key = await loadInstanceKey(app.db, app.secretBox);
  app.log.info({ instanceId: options.instanceId, publicKey: key.publicKey, generated: key.generated }, 'federation instance key');
  const peers = createPeerStore(app.db);
  const client = createPeerClient({ instanceId: options.instanceId, privateKey: key.privateKey, timeoutMs: options.timeoutMs, guard: app.pipeline.hostGuard });
  const harvested = createHarvestedStore(app.db);
  const harvester = createHarvester({ db: app.db, peers, client, audit: app.audit, changed: () => harvested.changed() });
  const shared = createSharedCatalogue({ db: app.db, repository: app.catalog.repository });
  const outgoing = createOutgoingRequests({ db: app.db, audit: app.audit, peers, harvested, client });
  const extraWork: (() => Promise<void>)[] = [() => outgoing.sync()];
  const endOffset = createTopicEndOffset(app.kafka.admin);
  registerMirrorLag(app.metrics.registry, outgoing, endOffset);
  const delivery = createMirrorRuntime({
    db: app.db,
    audit: app.audit,
    outgoing,
    kafka: app.kafka,
    admin: app.kafka.admin,
    kafkaAccess: app.subscriptions.kafkaAccess,
    secrets: app.subscriptions.secrets,
    hostGuard: app.pipeline.hostGuard,
    log: app.log as unknown as Logger,
    clock: app.subscriptions.clock,
    instanceId: app.pipeline.instanceId,
    ...options.delivery,
  });
  // A decision, revocation or expiry fetched from the owner starts or stops local delivery now, not at the next heartbeat.
  outgoing.onChange(async (request) => {
    await clearSeenOnClose(app.db, request);
    await delivery.refresh();
  });
  app.addHook('onReady', () => delivery.start());
  app.addHook('onClose', () => delivery.stop());

  async function tick(): Promise<void> {
    for (const peer of await peers.list()) {
      if (peer.confirmedAt === null) continue;
      await harvester.harvest(peer).catch((err: unknown) => app.log.warn({ err, peer: peer.instanceId }, 'harvest failed'));
    }
    for (const work of extraWork) await work().catch((err: unknown) => app.log.warn({ err }, 'federation work failed'));
  }

  app.decorate('federation', {
    instance: { instanceId: options.instanceId, name: options.instanceName, publicKey: key.publicKey },
    peers,
    service: createPeerService({ db: app.db, peers, principals: app.principals, audit: app.audit, ownInstanceId: options.instanceId, ownPublicKey: key.publicKey, guard: app.pipeline.hostGuard }),
    client,
    harvester,
    shared,
    harvested,
    incoming: createIncomingRequests({ db: app.db, audit: app.audit, repository: app.catalog.repository, shared, subscriptions: app.subscriptions, endOffset }),
    outgoing,
    delivery,
    onTick: (work) => void extraWork.push(work),
    tick,
  });

  if (options.harvestIntervalMs > 0) {
    let running: Promise<void> | undefined;
    const timer = setInterval(() => {
      running ??= tick().finally(() => (running = undefined));
    }, options.harvestIntervalMs);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  }
}

export default fp(federationPlugin, { name: 'dx-federation', dependencies: ['dx-db', 'dx-kafka', 'dx-metrics', 'dx-secrets', 'dx-audit', 'dx-auth', 'dx-catalog', 'dx-subscriptions', 'dx-pipeline'] });
