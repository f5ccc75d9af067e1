import type { Logger } from 'pino';
import { startRegisterConsumer, type RegisterConsumer, type TopicRecord } from '../kafka/register-consumer.ts';
import type { KafkaService } from '../plugins/kafka.ts';
import type { ValueDecoder } from './decode.ts';
import type { EntryChange, RegisterStore } from './store.ts';

export interface MaterialiserDependencies {
  kafka: Pick<KafkaService, 'client'>;
  store: RegisterStore;
  decode: ValueDecoder;
  log: Logger;
  /** Counts what was applied and what was skipped as undecodable. */
  onApplied(resourceId: string, applied: number, undecodable: number): void;
}

/** The consumer group of one register generation: a rebuild reads with a new one. */
export function registerGroup(resourceId: string, generation: number): string {
  return `dx-gateway.register.${resourceId}.${generation}`;
}

function provenance(headers: Record<string, string>): unknown {
  const source = headers['dx-source'];
  if (source === undefined) return null;
  try {
    return JSON.parse(source) as unknown;
  } catch {
    return source;
  }
}

/** Hears how a materialiser fares: a batch applied, or a failure (a batch not applied, a crash). */
export interface MaterialiserWatch {
  applied(): void;
  failed(err: unknown): void;
}

/**
 * Materialises one generation of a register from its resource topic: per partition, in offset order, each record
 * replaces the entry of its key and a tombstone deletes it; records without a key or that do not decode are counted,
 * logged with their position and skipped. Stops by itself when the generation is retired.
 */
export async function startMaterialiser(deps: MaterialiserDependencies, register: { resourceId: string; topic: string }, generation: number, watch: MaterialiserWatch): Promise<RegisterConsumer> {
  const { resourceId, topic } = register;
  const log = deps.log.child({ resource: resourceId, topic, generation });
  let consumer: RegisterConsumer | undefined;
  let retired = false;

  async function apply(partition: number, records: TopicRecord[]): Promise<void> {
    if (retired) return;
    const changes: EntryChange[] = [];
    const undecodable: string[] = [];
    for (const record of records) {
      if (record.key === null || record.key === '') {
        undecodable.push(record.offset);
        log.warn({ partition, offset: record.offset }, 'register: record without a key skipped');
        continue;
      }
      const base = { offset: record.offset, key: record.key, messageId: record.headers['dx-message-id'] ?? null, source: provenance(record.headers), timestamp: record.timestamp };
      if (record.value === null) {
        changes.push({ ...base, record: null });
        continue;
      }
      const outcome = await deps.decode(record.value);
      if ('problem' in outcome) {
        undecodable.push(record.offset);
        log.warn({ partition, offset: record.offset, problem: outcome.problem }, 'register: undecodable record skipped');
        continue;
      }
      changes.push({ ...base, record: outcome.record });
    }
    const last = (records.at(-1) as TopicRecord).offset;
    const result = await deps.store.apply(resourceId, generation, partition, changes, last, undecodable);
    if (!result.live) {
      retired = true;
      log.info('register generation retired; materialiser stops');
      void consumer?.stop();
      return;
    }
    deps.onApplied(resourceId, result.applied, undecodable.length);
  }

  consumer = await startRegisterConsumer({
    kafka: deps.kafka,
    groupId: registerGroup(resourceId, generation),
    topic,
    position: (partition) => deps.store.position(resourceId, generation, partition),
    apply: (partition, records) =>
      apply(partition, records).then(watch.applied, (err: unknown) => {
        watch.failed(err);
        throw err;
      }),
    onCrash: watch.failed,
  });
  return consumer;
}
