import type { TopicMessage } from '../kafka/topic-message.ts';
import { findCanonicalSchema } from '../../schemas/canonical.ts';
import type { RegistrySchema } from '../../schemas/registry/types.ts';
import { decodeWire, readWireSchemaId } from '../../schemas/wire.ts';
import { createProjection, projectKey, projectRecord, type Projection } from './masking.ts';
import type { DeliveryContext } from './store.ts';
import type { SubscriptionSecrets } from './secrets.ts';

/** One record as every delivery mode hands it over: the projected, masked fields and where it came from. */
export interface DeliveredRecord {
  /** The source record's `dx-message-id`: the same for a record delivered twice, so receivers can drop duplicates. */
  messageId: string | null;
  /** The record key (business id), masked as its field is. */
  key: string | null;
  /** Partition and offset on the resource topic. */
  partition: number;
  offset: string;
  timestamp: string;
  record: Record<string, unknown>;
}

export type RecordDecoder = (value: Buffer | null) => Promise<Record<string, unknown> | undefined>;

/** Decodes resource topic values (Confluent wire format) with the registry; undefined for a value that does not decode. */
export function createRecordDecoder(registry: { getById(id: number): Promise<RegistrySchema | undefined> }): RecordDecoder {
  return async (value) => {
    if (value === null) return undefined;
    try {
      const schema = await registry.getById(readWireSchemaId(value));
      const decoded = decodeWire(value, () => schema?.avroType).value;
      return typeof decoded === 'object' && decoded !== null ? (decoded as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
}

/** The business key field of the records of `schemaSubject`, when it is a canonical schema's subject. */
export function keyFieldOf(schemaSubject: string | null): string | null {
  if (schemaSubject === null) return null;
  return findCanonicalSchema(schemaSubject.replace(/-value$/, ''))?.businessKey ?? null;
}

/** The projection delivery applies now: the approved fields over the resource's current items. */
export function projectionFor(context: DeliveryContext, secrets: SubscriptionSecrets): Projection {
  const { subscription, resource } = context;
  return createProjection(resource.items, subscription.approvedFields ?? [], keyFieldOf(resource.schemaSubject), secrets.pseudonymKey(subscription.id));
}

/** The delivered form of one resource topic message; undefined when its value does not decode (it is skipped). */
export async function toDelivered(message: TopicMessage, partition: number, projection: Projection, decode: RecordDecoder): Promise<DeliveredRecord | undefined> {
  const value = await decode(message.value);
  if (value === undefined) return undefined;
  const messageId = message.headers?.['dx-message-id'];
  return {
    messageId: messageId === undefined ? null : String(messageId),
    key: projectKey(projection, message.key === null ? null : message.key.toString('utf8')),
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    record: projectRecord(projection, value),
  };
}

/** The delivered form of one partition's messages, those that do not decode left out. */
export async function toDeliveredAll(messages: readonly TopicMessage[], partition: number, projection: Projection, decode: RecordDecoder): Promise<DeliveredRecord[]> {
  return (await Promise.all(messages.map((message) => toDelivered(message, partition, projection, decode)))).filter((record) => record !== undefined);
}
