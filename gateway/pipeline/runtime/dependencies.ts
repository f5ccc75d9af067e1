import type { Logger } from 'pino';
import type { ConnectorTypeRegistry } from '../../../connectors/registry.ts';
import type { RecordValidator } from '../../../schemas/validate.ts';
import type { KafkaClient } from '../../kafka/client.ts';
import type { BatchSender } from '../../kafka/send-batch.ts';
import type { HostGuard } from '../../security/host-guard.ts';
import type { ConnectorStore } from '../connector-store.ts';
import type { PreparePool } from '../prepare/prepare-pool.ts';
import type { BackoffOptions } from '../retry.ts';

export interface RuntimeDependencies {
  store: ConnectorStore;
  types: ConnectorTypeRegistry;
  /** The shared idempotent producer (gateway/kafka/send-batch.ts). */
  producer: BatchSender;
  /** The Kafka client, for the transactional producers of exactly-once connectors. */
  kafka: KafkaClient;
  ensureTopic(topic: string, spec?: { partitions?: number; config?: Record<string, string> }): Promise<void>;
  /** The registry id of a canonical schema (registering it when needed). */
  schemaIdFor(schemaName: string): Promise<number>;
  /** Validates the records of connector tests (`test`), which publish nothing. */
  validator: RecordValidator;
  /** Maps, validates and encodes batches to publish (in worker threads). */
  prepare: PreparePool;
  hostGuard: HostGuard;
  /** Folder under which each department's file drops live, in `<dropRoot>/<departmentCode>/`. */
  dropRoot: string;
  log: Logger;
  instanceId: string;
  backoff?: BackoffOptions;
}
