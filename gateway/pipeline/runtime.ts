import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConnectorTypeRegistry } from '../../connectors/registry.ts';
import type { ConnectorContext, PullConnectorDefinition, SourceRecord } from '../../connectors/types.ts';
import { getCanonicalSchema } from '../../schemas/canonical.ts';
import type { RecordValidator } from '../../schemas/validate.ts';
import type { HostGuard } from '../security/host-guard.ts';
import type { Connector, ConnectorStore, RunRecord } from './connector-store.ts';
import { resolveDropFolder } from './drop-folder.ts';
import { clearSourceFields as clearSourceFieldsOf } from './dead-letter.ts';
import { createMapper } from './mapping/apply.ts';
import { OFFSETS_TOPIC, OFFSETS_TOPIC_CONFIG, offsetMessages, readCommittedOffsets, syncMessage } from './offsets-topic.ts';
import type { PreparePool } from './prepare-pool.ts';
import type { TargetSpec } from './prepare-target.ts';
import { sendInRequests, sendPrepared, type BatchSender, type PublishedBatch } from './publisher.ts';
import { withRetries, type BackoffOptions } from './retry.ts';

export const DEFAULT_BATCH_SIZE = 1000;
const CATALOGUE_RECHECK_MS = 30_000;
const BATCHES_IN_FLIGHT = 3;

export interface RuntimeDependencies {
  store: ConnectorStore;
  types: ConnectorTypeRegistry;
  producer: Producer;
  /** The Kafka client, for the transactional producers of exactly-once connectors. */
  kafka: Kafka;
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

export interface TestResult {
  check: { ok: boolean; message: string };
  records: { partition: string; offset: unknown; source: Record<string, unknown>; value?: Record<string, unknown>; errors: { path: string; rule: string; message: string }[] }[];
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, attempts: 6 };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Drives connectors through the data path: read → map → validate → encode → produce → commit. Offsets and counts
 * are committed only after the broker acknowledged the batch, so a crash at any point loses nothing; a record
 * may be published twice after a crash, with the same `dx-message-id`.
 */
export function createConnectorRuntime(deps: RuntimeDependencies) {
  const targets = new Map<string, { spec: TargetSpec; updatedAt: string; checkedAt: number }>();

  /**
   * What the connector's batches are prepared for, its topics created and its schema registered first. The
   * catalogue's sensitivity levels (what a dead letter may carry in clear) are read again after CATALOGUE_RECHECK_MS.
   */
  async function targetFor(connector: Connector): Promise<TargetSpec> {
    const cached = targets.get(connector.id);
    const now = Date.now();
    if (cached?.updatedAt === connector.updatedAt && now - cached.checkedAt < CATALOGUE_RECHECK_MS) return cached.spec;
    const items = await deps.store.resourceItems(connector.topic);
    const clearSourceFields = clearSourceFieldsOf(connector.mapping, items);
    if (cached?.updatedAt === connector.updatedAt && cached.spec.clearSourceFields.join() === clearSourceFields.join()) {
      cached.checkedAt = now;
      return cached.spec;
    }
    if (cached?.updatedAt !== connector.updatedAt) await Promise.all([deps.ensureTopic(connector.topic), deps.ensureTopic(connector.deadLetterTopic)]);
    const spec: TargetSpec = {
      connectorId: connector.id,
      version: `${connector.updatedAt}/${now}`,
      schemaName: connector.schemaName,
      schemaId: await deps.schemaIdFor(connector.schemaName),
      topic: connector.topic,
      deadLetterTopic: connector.deadLetterTopic,
      mapping: connector.mapping,
      clearSourceFields,
    };
    targets.set(connector.id, { spec, updatedAt: connector.updatedAt, checkedAt: now });
    return spec;
  }

  /**
   * Prepares a batch and sends it once the batch before it (`after`) was handed to the producer: batches may come
   * back from the workers in any order, and must go out in the order they were read. `started` settles when this
   * batch's last request was handed to the producer, and rejects when this batch or one before it failed, so
   * that nothing after a failed batch is sent. `done` resolves when the broker acknowledged the whole batch.
   */
  function publish(sender: BatchSender, spec: TargetSpec, records: readonly SourceRecord[], after: Promise<unknown> = Promise.resolve()) {
    const prepared = deps.prepare.prepare(spec, records);
    prepared.catch(() => undefined);
    const sending = after.then(() => prepared).then(({ topicMessages, ...published }) => {
      const { handedOver, acknowledged } = sendInRequests(sender, topicMessages);
      acknowledged.catch(() => undefined);
      return { published, handedOver, acknowledged };
    });
    const done: Promise<PublishedBatch> = sending.then(async ({ published, acknowledged }) => {
      await acknowledged;
      return published;
    });
    const started = sending.then(({ handedOver }) => handedOver);
    started.catch(() => undefined);
    return { started, done };
  }

  function pullDefinition(connector: Connector): PullConnectorDefinition<any> {
    const definition = deps.types.get(connector.type);
    if (definition?.kind !== 'pull') throw new Error(`connector ${connector.id} has type ${connector.type}, which is not a pull type`);
    return definition;
  }

  function contextFor(connector: Connector, offsets: ConnectorContext['offsets'], signal: AbortSignal): ConnectorContext {
    const log = deps.log.child({ connector: connector.id, type: connector.type });
    return {
      log: {
        debug: (object, message) => log.debug(object, message),
        info: (object, message) => log.info(object, message),
        warn: (object, message) => log.warn(object, message),
        error: (object, message) => log.error(object, message),
      },
      offsets,
      signal,
      batchSize: connector.options.batchSize ?? DEFAULT_BATCH_SIZE,
      resolveHost: (host, target) => deps.hostGuard.resolve(host, { ...target, departmentCode: connector.departmentCode }),
      resolveFolder: (path) => resolveDropFolder(deps.dropRoot, connector.departmentCode, path),
    };
  }

  /**
   * One attempt: a fresh task from the committed offsets, read to the end. Up to BATCHES_IN_FLIGHT batches are
   * being sent while the next is read and encoded; commits happen strictly in batch order, each after its ack,
   * so a committed offset never runs ahead of an unacknowledged record.
   */
  async function attempt(connector: Connector, runId: number, signal: AbortSignal): Promise<void> {
    const target = await targetFor(connector);
    const offsets = await deps.store.offsets(connector.id);
    const task = pullDefinition(connector).create(deps.store.openConfig(connector), contextFor(connector, offsets, signal));
    const window: Promise<void>[] = [];
    let committed: Promise<void> = Promise.resolve();
    let issued: Promise<unknown> = Promise.resolve();
    try {
      for await (const records of task.read()) {
        if (signal.aborted) break;
        if (records.length === 0) continue;
        const { started, done: sending } = publish(deps.producer, target, records, issued);
        // Taken (publish reads the records before it returns): emptied, so that a reference the connector keeps to
        // its last batch holds no record while the next is read. Records kept that long are promoted out of the
        // young generation, and collecting them there took a fifth of the event loop's time (see sql-pull's read).
        records.length = 0;
        issued = started;
        sending.catch(() => undefined);
        committed = committed.then(() => sending).then((published) => deps.store.commitBatch(connector.id, runId, published));
        committed.catch(() => undefined);
        window.push(committed);
        if (window.length >= BATCHES_IN_FLIGHT) await window.shift();
      }
      await committed;
    } finally {
      await task.close();
    }
  }

  /** Runs `work` in one Kafka transaction, aborting it when `work` or the commit fails. */
  async function inTransaction(producer: Producer, work: (transaction: Awaited<ReturnType<Producer['transaction']>>) => Promise<void>): Promise<void> {
    const transaction = await producer.transaction();
    try {
      await work(transaction);
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch(() => undefined);
      throw err;
    }
  }

  /**
   * One exactly-once attempt, after Kafka Connect's exactly-once source support: a transactional producer per
   * connector (starting it fences any zombie of an earlier run), offsets read back from the offsets topic, and
   * each batch written with its offsets in one transaction. PostgreSQL gets a copy after each commit, for display.
   */
  async function attemptExactlyOnce(connector: Connector, runId: number, signal: AbortSignal): Promise<void> {
    const target = await targetFor(connector);
    await deps.ensureTopic(OFFSETS_TOPIC, { partitions: 1, config: OFFSETS_TOPIC_CONFIG });
    const producer = deps.kafka.producer({
      transactionalId: `dx-connector-${connector.id}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const sync = syncMessage(connector.id);
      await inTransaction(producer, (transaction) => transaction.send({ topic: OFFSETS_TOPIC, acks: -1, messages: [sync.message] }).then(() => undefined));
      const offsets = await readCommittedOffsets(deps.kafka, connector.id, sync.nonce);
      const task = pullDefinition(connector).create(deps.store.openConfig(connector), contextFor(connector, offsets, signal));
      try {
        for await (const records of task.read()) {
          if (signal.aborted) break;
          if (records.length === 0) continue;
          const preparing = deps.prepare.prepare(target, records);
          records.length = 0; // taken, as in attempt
          const { topicMessages, ...published } = await preparing;
          const offsetTopic = { topic: OFFSETS_TOPIC, messages: offsetMessages(connector.id, published.offsets) };
          await inTransaction(producer, (transaction) => sendPrepared(transaction, [...topicMessages, offsetTopic]));
          await deps.store.commitBatch(connector.id, runId, published);
        }
      } finally {
        await task.close();
      }
    } finally {
      await producer.disconnect();
    }
  }

  return {
    targetFor,

    /** Runs a pull connector once, retrying transient faults with backoff; resolves with the finished run. */
    async runOnce(connector: Connector, trigger: string, signal: AbortSignal): Promise<RunRecord> {
      const runId = await deps.store.startRun(connector.id, trigger, deps.instanceId);
      const log = deps.log.child({ connector: connector.id, run: runId });
      try {
        const run = connector.options.exactlyOnce ? attemptExactlyOnce : attempt;
        const { attempts } = await withRetries(() => run(connector, runId, signal), deps.backoff ?? DEFAULT_BACKOFF, signal, (error, attemptNo, delayMs) =>
          log.warn({ err: error, attempt: attemptNo, delayMs }, 'connector run failed; retrying'),
        );
        await deps.store.finishRun(runId, signal.aborted ? 'aborted' : 'succeeded', null, attempts);
      } catch (error) {
        const attempts = (error as { attempts?: number }).attempts ?? 1;
        log.error({ err: error, attempts }, 'connector run failed');
        await deps.store.finishRun(runId, signal.aborted ? 'aborted' : 'failed', errorText(error), attempts).catch((err: unknown) => log.error({ err }, 'could not record the failed run'));
      }
      return (await deps.store.run(runId)) as RunRecord;
    },

    /** Publishes pushed records; resolves after the broker acknowledged them and the counts were committed. */
    async ingest(connector: Connector, records: readonly SourceRecord[]): Promise<PublishedBatch> {
      const published = await publish(deps.producer, await targetFor(connector), records).done;
      await deps.store.commitBatch(connector.id, null, { ...published, offsets: new Map() });
      return published;
    },

    /** Publishes quarantined records again through the current mapping; offsets do not move. */
    async replay(connector: Connector, rejected: { id: number; partition: string; offset: SourceRecord['offset']; source: Record<string, unknown> }[]): Promise<PublishedBatch> {
      const records = rejected.map((row) => ({ partition: row.partition, offset: row.offset, value: row.source }));
      const published = await publish(deps.producer, await targetFor(connector), records).done;
      await deps.store.commitBatch(connector.id, null, { ...published, offsets: new Map() });
      await deps.store.markReplayed(rejected.map((row) => row.id));
      return published;
    },

    /** Checks connectivity and maps and validates the first records, publishing nothing and committing nothing. */
    async test(connector: Connector, limit: number): Promise<TestResult> {
      const definition = pullDefinition(connector);
      const schema = getCanonicalSchema(connector.schemaName as never);
      const map = createMapper(connector.mapping, schema);
      const controller = new AbortController();
      const task = definition.create(deps.store.openConfig(connector), contextFor({ ...connector, options: { batchSize: limit } }, new Map(), controller.signal));
      try {
        const check = await task.check();
        const records: TestResult['records'] = [];
        if (check.ok) {
          for await (const batch of task.read()) {
            for (const record of batch.slice(0, limit - records.length)) {
              const mapped = map(record.value);
              const errors = mapped.ok ? deps.validator.validateRecord(schema.name, mapped.value) : mapped.problems;
              records.push({ partition: record.partition, offset: record.offset, source: record.value, ...(mapped.ok ? { value: mapped.value } : {}), errors });
            }
            if (records.length >= limit) break;
          }
        }
        return { check, records };
      } finally {
        controller.abort();
        await task.close();
      }
    },
  };
}

export type ConnectorRuntime = ReturnType<typeof createConnectorRuntime>;
