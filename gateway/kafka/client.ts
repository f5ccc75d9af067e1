import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { pinoLogCreator } from './logger.ts';

export type KafkaClient = Kafka;

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export function createKafkaClient(connection: KafkaConnection, log: Logger, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: connection.ssl ?? false,
    ...(connection.sasl ? { sasl: connection.sasl as SASLOptions } : {}),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(log),
    ...overrides,
  });
}
