import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Partitioners, type Admin, type ITopicConfig, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaClient, type KafkaConnection } from '../kafka/client.ts';
import { instrumentProducer } from '../kafka/producer-metrics.ts';

export interface KafkaOptions {
  connection: KafkaConnection;
  topicDefaults: { partitions: number; replicationFactor: number };
}

export interface TopicSpec {
  partitions?: number;
  config?: Record<string, string>;
}

export interface KafkaService {
  client: Kafka;
  /** The one idempotent producer every route and pipeline shares (acks=all). */
  producer: Producer;
  admin: Admin;
  /** Creates the topic unless it exists; concurrent calls for one topic share one request. */
  ensureTopic(topic: string, spec?: TopicSpec): Promise<void>;
  /** Resolves when a broker answers a metadata request within `timeoutMs` (one long-lived probe client). */
  ping(timeoutMs?: number): Promise<void>;
  /** Disconnects the probe client of `ping`. */
  closeProbe(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    kafka: KafkaService;
  }
}

/**
 * One admin client without retries, kept for readiness probes, so a down broker is reported now rather than after the
 * shared client's backoff, and a probe does not cost a new connection. After a failure it reconnects on the next probe.
 */
function createPinger(client: Kafka) {
  const probe = client.admin({ retry: { retries: 0 } });
  let connected: Promise<void> | undefined;

  async function ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no Kafka broker answered within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      connected ??= probe.connect();
      await Promise.race([connected.then(() => probe.describeCluster()), timeout]);
    } catch (err) {
      connected = undefined;
      await probe.disconnect().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  return { ping, close: () => probe.disconnect() };
}

export function createKafkaService(options: KafkaOptions, log: Logger): KafkaService {
  const client = createKafkaClient(options.connection, log);
  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    // Bounded, so a down broker surfaces as an error (503 for a push, a retried run for a pull) within seconds;
    // the pipeline retries whole batches, and message ids let consumers drop the duplicates that may cause.
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3000 },
    // Murmur2, as the Java client: records with one key land on the same partition whoever produces them.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin = client.admin();
  const pinger = createPinger(client);
  const known = new Map<string, Promise<void>>();

  async function exists(topic: string): Promise<boolean> {
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      return true;
    } catch {
      return false;
    }
  }

  async function createTopic(topic: string, spec: TopicSpec): Promise<void> {
    // Asking first keeps kafkajs from logging an error for every topic that already exists.
    if (await exists(topic)) return;
    const config: ITopicConfig = {
      topic,
      numPartitions: spec.partitions ?? options.topicDefaults.partitions,
      replicationFactor: options.topicDefaults.replicationFactor,
      configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
    };
    const created = await admin.createTopics({ topics: [config], waitForLeaders: true });
    if (created) log.info({ topic, partitions: config.numPartitions }, 'topic created');
  }

  return {
    client,
    producer,
    admin,
    ensureTopic(topic, spec = {}) {
      let pending = known.get(topic);
      if (!pending) {
        pending = createTopic(topic, spec);
        known.set(topic, pending);
        pending.catch(() => known.delete(topic));
      }
      return pending;
    },
    ping: (timeoutMs = 3000) => pinger.ping(timeoutMs),
    closeProbe: pinger.close,
  };
}

/** Decorates `kafka`; connects the shared producer and admin at start, flushes and disconnects them on close. */
async function kafkaPlugin(app: FastifyInstance, options: KafkaOptions): Promise<void> {
  const kafka = createKafkaService(options, app.log.child({ component: 'kafka' }) as unknown as Logger);
  instrumentProducer(kafka.producer, app.metrics.registry);
  await Promise.all([kafka.producer.connect(), kafka.admin.connect()]);
  app.decorate('kafka', kafka);
  app.addHook('onClose', async () => {
    // kafkajs's disconnect waits for in-flight sends, which is the flush.
    await Promise.allSettled([kafka.producer.disconnect(), kafka.admin.disconnect(), kafka.closeProbe()]);
  });
}

export default fp(kafkaPlugin, { name: 'dx-kafka', dependencies: ['dx-metrics'] });
