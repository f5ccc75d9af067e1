import { setTimeout as sleep } from 'node:timers/promises';
import { createHeartbeat } from '../leasing/heartbeat.ts';
import { topicEnds, type RegisterConsumer } from '../kafka/register-consumer.ts';
import type { KafkaService } from '../plugins/kafka.ts';
import { createMaterialiserHealth } from './materialiser-health.ts';
import { startMaterialiser, type MaterialiserDependencies } from './materialiser.ts';
import type { RegisterRow, RegisterStore } from './store.ts';

const SYNC = 'sync';

/** How long stopping waits for a materialiser that is still starting. */
const STOP_WAIT_MS = 2_000;

export interface RegisterLag {
  records: number;
  seconds: number;
}

/**
 * How far a generation is behind its topic: records between the stored positions and the partition ends, and the
 * seconds since the last record applied of a partition that is behind (0 when none is).
 */
export async function registerLag(deps: { store: RegisterStore; kafka: Pick<KafkaService, 'admin'> }, register: Pick<RegisterRow, 'resourceId' | 'topic'>, generation: number, now = Date.now(), since = now): Promise<RegisterLag> {
  const [ends, positions] = await Promise.all([topicEnds(deps.kafka, register.topic), deps.store.positions(register.resourceId, generation)]);
  let records = 0n;
  let oldest = now;
  for (const [partition, { low, high }] of ends) {
    const position = positions.get(partition);
    const next = position === undefined || position.next < low ? low : position.next;
    if (next >= high) continue;
    records += high - next;
    oldest = Math.min(oldest, position?.lastRecordTime ?? since);
  }
  return { records: Number(records), seconds: records === 0n ? 0 : Math.max(0, (now - oldest) / 1000) };
}

export interface RegisterRuntimeOptions extends MaterialiserDependencies {
  kafka: Pick<KafkaService, 'client' | 'admin' | 'ensureTopic'>;
  heartbeatMs: number;
  /** Codes of the resources whose register is enabled (a resource catalogued later is enabled at the next heartbeat). */
  codes: readonly string[];
  /** Lag of each register's active generation, at every heartbeat. */
  onLag(resourceId: string, lag: RegisterLag): void;
  /** A register's materialisers went down (a failure, retried with backoff) or are all running again. */
  onUp(resourceId: string, up: boolean): void;
}

/**
 * Runs the materialisers of every register on this instance: the active generation, and the one being rebuilt until
 * it has caught up with the topic, when lookups switch to it. Every instance runs them all; the consumer groups
 * share the partitions among the instances.
 */
export function createRegisterRuntime(options: RegisterRuntimeOptions) {
  const { store, log } = options;
  const running = new Map<string, Promise<RegisterConsumer | undefined>>();
  const health = createMaterialiserHealth(log, options.onUp);
  const started = Date.now();
  let stopping = false;

  function ensure(register: RegisterRow, generation: number): void {
    const id = `${register.resourceId}:${generation}`;
    if (running.has(id) || !health.mayStart(id)) return;
    const watch = { applied: () => health.succeeded(id), failed: (err: unknown) => health.failed(id, register.resourceId, err) };
    const consumer = options.kafka
      .ensureTopic(register.topic)
      .then(() => startMaterialiser(options, register, generation, watch))
      .then(
        (started) => {
          void started.done.then(() => {
            if (running.get(id) === consumer) running.delete(id);
          });
          return started;
        },
        (err: unknown) => {
          watch.failed(err);
          running.delete(id);
          return undefined;
        },
      );
    running.set(id, consumer);
  }

  /**
   * Stops the consumers not wanted, all at once. A start still under way (kafkajs retries a topic the broker does not
   * know yet for seconds) is waited for only STOP_WAIT_MS, so that a shutdown keeps its time; it stops when it ends.
   */
  async function stopOthers(wanted: Set<string>): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [id, consumer] of running) {
      if (wanted.has(id)) continue;
      running.delete(id);
      stopping.push(consumer.then((started) => started?.stop()));
    }
    for (const { id } of health.retrying()) if (id !== SYNC && !wanted.has(id)) health.forget(id);
    await Promise.race([Promise.all(stopping), sleep(STOP_WAIT_MS, undefined, { ref: false })]);
  }

  async function sync(): Promise<void> {
    if (stopping) return;
    await store.enable(options.codes);
    const wanted = new Set<string>();
    for (const register of await store.list()) {
      const active = `${register.resourceId}:${register.activeGeneration}`;
      wanted.add(active);
      ensure(register, register.activeGeneration);
      const lag = await registerLag(options, register, register.activeGeneration, Date.now(), started).catch(() => undefined);
      if (lag) options.onLag(register.resourceId, lag);
      // Caught up and running: a materialiser that failed has resumed even if no record came since.
      if (lag?.records === 0 && running.has(active)) health.succeeded(active);
      options.onUp(register.resourceId, health.isUp(register.resourceId));
      const building = register.buildingGeneration;
      if (building === null) continue;
      const behind = await registerLag(options, register, building).catch(() => undefined);
      if (behind?.records === 0 && (await store.switchTo(register.resourceId, building))) {
        log.info({ resource: register.resourceId, generation: building }, 'register rebuilt: lookups read the new generation');
        wanted.delete(`${register.resourceId}:${register.activeGeneration}`);
        wanted.add(`${register.resourceId}:${building}`);
        continue;
      }
      wanted.add(`${register.resourceId}:${building}`);
      ensure(register, building);
    }
    await stopOthers(wanted);
  }

  /** A failing sync (the database is down) is an outage of its own, logged once, not at every heartbeat. */
  async function watchedSync(): Promise<void> {
    try {
      await sync();
      health.succeeded(SYNC);
    } catch (err) {
      health.failed(SYNC, null, err);
    }
  }

  const heartbeat = createHeartbeat(watchedSync, options.heartbeatMs, log, 'register');
  return {
    start: () => heartbeat.start(),
    refresh: () => heartbeat.refresh(),
    /** The materialisers of this instance being retried after a failure (none: all running). */
    retrying: () => health.retrying(),
    async stop(): Promise<void> {
      stopping = true;
      await heartbeat.stop();
      await stopOthers(new Set());
    },
  };
}

export type RegisterRuntime = ReturnType<typeof createRegisterRuntime>;
