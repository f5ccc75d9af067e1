import type { Logger } from 'pino';
import { ensureLocalKafka } from './kafka/local-broker/local-kafka.ts';
import type { Config } from './config.ts';
import type { DbOptions } from './plugins/db.ts';

export interface Infrastructure {
  database: DbOptions;
  kafkaBrokers: string[];
  /** Stops what was started in-process (the embedded database). A local Kafka broker keeps running for the next start. */
  stop(): Promise<void>;
}

/** Uses KAFKA_BROKERS and DATABASE_URL when set; otherwise starts the local broker and the embedded database. */
export async function startInfrastructure(config: Config, log: Logger): Promise<Infrastructure> {
  let kafkaBrokers: string[];
  if (config.KAFKA_BROKERS) {
    kafkaBrokers = config.KAFKA_BROKERS.split(',');
  } else {
    log.info({ port: config.KAFKA_LOCAL_PORT }, 'KAFKA_BROKERS unset; starting the local Kafka broker');
    const local = await ensureLocalKafka({ port: config.KAFKA_LOCAL_PORT });
    log.info({ brokers: local.brokers, reused: !local.started, logFile: local.logFile }, 'local Kafka broker ready');
    kafkaBrokers = local.brokers;
  }

  if (config.DATABASE_URL) {
    return { database: { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }, kafkaBrokers, stop: async () => undefined };
  }
  // Loaded only when used: PGlite alone is about 40 MB of resident memory.
  const { startEmbeddedPostgres } = await import('./db/embedded.ts');
  const embedded = await startEmbeddedPostgres(config.DATA_DIR);
  log.info({ dataDir: config.DATA_DIR }, 'DATABASE_URL unset; using the embedded PostgreSQL (PGlite)');
  return { database: { url: embedded.url, poolSize: 1 }, kafkaBrokers, stop: () => embedded.stop() };
}
