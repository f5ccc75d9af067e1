import { readFileSync } from 'node:fs';
import { ConfigError, kafkaTlsEnabled, type Config } from '../config.ts';
import type { KafkaConnection, KafkaTls } from './client.ts';

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
}

/** The gateway's connection to Kafka from its configuration; the KAFKA_SSL_* files are read now, a bad one named. */
export function kafkaConnectionOf(config: Config, brokers: string[]): KafkaConnection {
  const files = { ca: config.KAFKA_SSL_CA, cert: config.KAFKA_SSL_CERT, key: config.KAFKA_SSL_KEY };
  const tls: KafkaTls = {};
  for (const [name, path] of Object.entries(files) as [keyof KafkaTls, string | undefined][]) {
    if (path !== undefined) tls[name] = readPem(`KAFKA_SSL_${name.toUpperCase()}`, path);
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return {
    brokers,
    clientId: config.KAFKA_CLIENT_ID,
    ssl: kafkaTlsEnabled(config) ? tls : false,
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}
