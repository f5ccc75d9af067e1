import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { pinoLogCreator } from './logger.ts';

/** The kafkajs instance, opaque outside gateway/kafka/: code elsewhere holds it and hands it back to this folder. */
export type KafkaClient = Kafka;
/** A connected admin client, opaque outside gateway/kafka/. */
export type KafkaAdmin = Admin;

/** TLS towards the brokers: PEM contents (read from the KAFKA_SSL_* files), or the system's CAs when none is given. */
export interface KafkaTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl?: boolean | KafkaTls;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

function tlsOptions(ssl: KafkaConnection['ssl']): KafkaConfig['ssl'] {
  if (ssl === undefined || ssl === false) return false;
  if (ssl === true) return true;
  return { ...(ssl.ca ? { ca: [ssl.ca] } : {}), ...(ssl.cert ? { cert: ssl.cert } : {}), ...(ssl.key ? { key: ssl.key } : {}) };
}

export function createKafkaClient(connection: KafkaConnection, log: Logger, overrides: Partial<KafkaConfig> = {}): KafkaClient {
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: tlsOptions(connection.ssl),
    ...(connection.sasl ? { sasl: connection.sasl as SASLOptions } : {}),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(log),
    ...overrides,
  });
}
