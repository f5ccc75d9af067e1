import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { CONNECTOR_DEFINITIONS, createConnectorRegistry, type ConnectorTypeRegistry } from '../../connectors/registry.ts';
import { getCanonicalSchema } from '../../schemas/canonical.ts';
import { createValidator } from '../../schemas/validate.ts';
import { batchSender } from '../kafka/send-batch.ts';
import { createConnectorStore, type ConnectorStore } from '../pipeline/connector-store.ts';
import { createLeases } from '../leasing/leases.ts';
import { createPreparePool } from '../pipeline/prepare/prepare-pool.ts';
import { createRetention, type RetentionDays } from '../pipeline/retention.ts';
import { createConnectorRuntime, type ConnectorRuntime } from '../pipeline/runtime.ts';
import { createScheduler, type Scheduler } from '../pipeline/scheduler.ts';
import { createAllowedHostsStore } from '../security/allowed-hosts-store.ts';
import { createHostGuard, type HostGuard, type HostGuardOptions } from '../security/host-guard.ts';
import { createLoginInspector } from '../security/login-inspector.ts';
import { ownEndpoints } from '../security/own-endpoints.ts';
import { sealAtRest } from '../security/seal-at-rest.ts';
import { createTopicOwnership, type TopicOwnership } from '../security/topic-ownership.ts';

export interface PipelineOptions {
  /** DX_ALLOWED_HOSTS: entries for every department, besides the data office's entries in `allowed_hosts`. */
  allowedHosts: string[];
  /** The gateway's own database and brokers: no connector or webhook may reach them. */
  databaseUrl: string;
  kafkaBrokers: string[];
  /** Folder under which file-drop connectors may watch folders. */
  dropRoot: string;
  heartbeatMs: number;
  leaseTtlMs: number;
  /** Worker threads that map, validate and encode batches; 0: on the event loop. */
  prepareWorkers: number;
  /** Days quarantined records, push answers and finished runs are kept. */
  retention: RetentionDays;
  /** How host names are resolved for the allow-list; tests pass one answering what they need. Default: the system's. */
  resolver?: HostGuardOptions['resolver'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The connector runtime: types, stored connectors, the data path and the scheduler of this instance. */
    pipeline: { types: ConnectorTypeRegistry; store: ConnectorStore; runtime: ConnectorRuntime; scheduler: Scheduler; hostGuard: HostGuard; topics: TopicOwnership; instanceId: string; dropRoot: string };
  }
}

async function pipelinePlugin(app: FastifyInstance, options: PipelineOptions): Promise<void> {
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = app.log.child({ component: 'pipeline' }) as unknown as Logger;
  const types = createConnectorRegistry(CONNECTOR_DEFINITIONS);
  const store = createConnectorStore(app.db, { box: app.secretBox, types });
  const retention = createRetention(app.db, options.retention, log);
  const allowedHosts = createAllowedHostsStore(app.db);
  const hostGuard = createHostGuard({
    allowList: options.allowedHosts,
    ...(options.resolver ? { resolver: options.resolver } : {}),
    scopedEntries: (departmentCode) => allowedHosts.entriesFor(departmentCode),
    own: ownEndpoints(options.databaseUrl, options.kafkaBrokers),
    clusterBrokers: async () => (await app.kafka.admin.describeCluster()).brokers.map(({ host, port }) => ({ host, port })),
    inspectLogin: createLoginInspector(app.db),
    log: log.child({ component: 'host-guard' }),
  });
  const validator = createValidator();
  const prepare = createPreparePool({ size: options.prepareWorkers, validator, log });
  const runtime = createConnectorRuntime({
    store,
    types,
    producer: batchSender(app.kafka.producer),
    kafka: app.kafka.client,
    ensureTopic: (topic, spec) => app.kafka.ensureTopic(topic, spec),
    schemaIdFor: async (name) => {
      const schema = getCanonicalSchema(name as never);
      return (await app.schemaRegistry.register(schema.subject, schema.avroSchema)).id;
    },
    validator,
    prepare,
    hostGuard,
    dropRoot: options.dropRoot,
    log,
    instanceId,
  });
  const scheduler = createScheduler({ store, leases: createLeases(app.db, instanceId, options.leaseTtlMs), runtime, log, heartbeatMs: options.heartbeatMs });
  app.decorate('pipeline', { types, store, runtime, scheduler, hostGuard, topics: createTopicOwnership(app.db), instanceId, dropRoot: options.dropRoot });
  app.addHook('onReady', async () => {
    await sealAtRest(app.db, app.secretBox, types, log);
    await retention.start();
    await scheduler.start();
  });
  app.addHook('onClose', async () => {
    retention.stop();
    await scheduler.stop();
    await prepare.close();
  });
}

export default fp(pipelinePlugin, { name: 'dx-pipeline', dependencies: ['dx-db', 'dx-kafka', 'dx-schema-registry', 'dx-secrets'] });
