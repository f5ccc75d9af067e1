import { setTimeout as sleep } from 'node:timers/promises';
import { createHeartbeat } from '../leasing/heartbeat.ts';
import { topicEnds, type RegisterConsumer } from '../kafka/register-consumer.ts';
import type { KafkaService } from '../plugins/kafka.ts';
import { startMaterialiser, type MaterialiserDependencies } from './materialiser.ts';
import type { RegisterRow, RegisterStore } from './store.ts';

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
}

/**
 * Runs the materialisers of every register on this instance: the active generation, and the one being rebuilt until
 * it has caught up with the topic, when lookups switch to it. Every instance runs them all; the consumer groups
 * share the partitions among the instances.
 */
export function createRegisterRuntime(options: RegisterRuntimeOptions) {
  const { store, log } = options;
  const running = new Map<string, Promise<RegisterConsumer | undefined>>();
  const started = Date.now();
  let stopping = false;

  function ensure(register: RegisterRow, generation: number): void {
    const id = `${register.resourceId}:${generation}`;
    if (running.has(id)) return;
    const consumer = options.kafka
      .ensureTopic(register.topic)
      .then(() => startMaterialiser(options, register, generation))
      .then(
        (started) => {
          void started.done.then(() => {
            if (running.get(id) === consumer) running.delete(id);
          });
          return started;
        },
        (err: unknown) => {
          log.warn({ err, resource: register.resourceId }, 'could not start the register materialiser; retrying at the next heartbeat');
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
    await Promise.race([Promise.all(stopping), sleep(STOP_WAIT_MS, undefined, { ref: false })]);
  }

  async function sync(): Promise<void> {
    if (stopping) return;
    await store.enable(options.codes);
    const wanted = new Set<string>();
    for (const register of await store.list()) {
      wanted.add(`${register.resourceId}:${register.activeGeneration}`);
      ensure(register, register.activeGeneration);
      const lag = await registerLag(options, register, register.activeGeneration, Date.now(), started).catch(() => undefined);
      if (lag) options.onLag(register.resourceId, lag);
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

  const heartbeat = createHeartbeat(sync, options.heartbeatMs, log, 'register');
  return {
    start: () => heartbeat.start(),
    refresh: () => heartbeat.refresh(),
    async stop(): Promise<void> {
      stopping = true;
      await heartbeat.stop();
      await stopOthers(new Set());
    },
  };
}

export type RegisterRuntime = ReturnType<typeof createRegisterRuntime>;
