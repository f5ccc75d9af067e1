import { Partitioners, type ITopicConfig, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafkaClient, type KafkaAdmin, type KafkaClient, type KafkaConnection } from './client.ts';
import { createReadinessProbe } from './readiness-probe.ts';
import { createRecoveringProducer } from './recovering-producer.ts';

export interface KafkaOptions {
  connection: KafkaConnection;
  topicDefaults: { partitions: number; replicationFactor: number };
}

export interface TopicSpec {
  partitions?: number;
  config?: Record<string, string>;
}

export interface KafkaService {
  client: KafkaClient;
  /** The one idempotent producer every route and pipeline shares (acks=all). */
  producer: Producer;
  admin: KafkaAdmin;
  /** Creates the topic unless it exists; concurrent calls for one topic share one request. */
  ensureTopic(topic: string, spec?: TopicSpec): Promise<void>;
  /** The topics whose names start with `prefix`. */
  topicsStartingWith(prefix: string): Promise<string[]>;
  /** Deletes the topics; one already gone is not an error. */
  deleteTopics(topics: string[]): Promise<void>;
  /** Resolves when a broker answers a metadata request within `timeoutMs` (one long-lived probe client). */
  ping(timeoutMs?: number): Promise<void>;
  /** Disconnects the probe client of `ping`. */
  closeProbe(): Promise<void>;
}

export function createKafkaService(options: KafkaOptions, log: Logger): KafkaService {
  const client = createKafkaClient(options.connection, log);
  const producer = createRecoveringProducer(() => client.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    // Bounded, so a down broker surfaces as an error (503 for a push, a retried run for a pull) within seconds;
    // the pipeline retries whole batches, and message ids let consumers drop the duplicates that may cause.
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3000 },
    // Murmur2, as the Java client: records with one key land on the same partition whoever produces them.
    createPartitioner: Partitioners.DefaultPartitioner,
  }), log);
  const admin = client.admin();
  const probe = createReadinessProbe(client);
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

  async function deleteTopics(topics: string[]): Promise<void> {
    const present = new Set(await admin.listTopics());
    const gone = topics.filter((topic) => present.has(topic));
    for (const topic of topics) known.delete(topic);
    if (gone.length === 0) return;
    await admin.deleteTopics({ topics: gone });
    log.info({ topics: gone }, 'topics deleted');
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
    topicsStartingWith: async (prefix) => (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)),
    deleteTopics,
    ping: (timeoutMs = 3000) => probe.ping(timeoutMs),
    closeProbe: probe.close,
  };
}
