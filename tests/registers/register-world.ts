import type { FastifyInstance } from 'fastify';
import { buildWorld, type World, type WorldOptions } from '../subscriptions/world.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

/** The subscriptions test world with the register of its person resource enabled (as DX_REGISTER_RESOURCES would). */
export async function buildRegisterWorld(t: TestContext, options: WorldOptions = {}): Promise<World> {
  const world = await buildWorld(t, { ...options, env: { DX_SCHEDULER_HEARTBEAT_MS: '300', ...options.env } });
  await world.app.kafka.ensureTopic(world.topic);
  await enableRegister(world.app, world.resource.id as string);
  await world.app.registers.runtime.refresh();
  return world;
}

export async function enableRegister(app: FastifyInstance, resourceId: string): Promise<void> {
  await app.db.query('INSERT INTO registers (resource_id) VALUES ($1) ON CONFLICT DO NOTHING', [resourceId]);
}

export async function registerEntries(app: FastifyInstance, resourceId: string): Promise<Map<string, { record: Record<string, unknown>; offset: string; partition: number; source: unknown }>> {
  const { rows } = await app.db.query<{ key: string; record: Record<string, unknown>; offset: string; partition: number; source: unknown }>(
    `SELECT e.key, e.record, e."offset"::text AS offset, e.partition, e.source FROM register_entries e JOIN registers g ON g.resource_id = e.resource_id AND g.active_generation = e.generation WHERE e.resource_id = $1`,
    [resourceId],
  );
  return new Map(rows.map((row) => [row.key, row]));
}

/**
 * Pushes through the world's connector, again after a 503: on this shared machine the broker may take longer than
 * the producer's retries to know a topic just created (nothing is published by a push answered 503).
 */
export async function pushPatiently(world: World, records: Parameters<World['push']>[0]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await world.push(records);
    } catch (err) {
      if (attempt >= 4 || !/\b503\b/.test((err as Error).message)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/** Polls `probe` until it answers true, failing after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
