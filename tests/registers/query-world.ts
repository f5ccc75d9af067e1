import { bearer } from '../helpers/app.ts';
import { PERSON_FIELDS, subscribe, type World } from '../subscriptions/world.ts';
import type { PersonRecord } from '../../schemas/records.ts';
import { buildRegisterWorld, pushPatiently, registerEntries, waitFor } from './register-world.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

export const ACCOUNTING = { purpose: '办理入学资格审核', operator: 'clerk-017', caseNumber: 'BJ-2026-000123' };

export interface QueryWorld extends World {
  subscription: Record<string, any>;
  persons: PersonRecord[];
  /** POSTs `body` to /api/v1/subscriptions/<id>/<path> as the integrator. */
  query(path: string, body: Record<string, unknown>, options?: { key?: string; subscriptionId?: string }): Promise<{ statusCode: number; json: any }>;
}

/** A register world with `count` persons materialised and a query subscription of the integrator to PERSON_FIELDS. */
export async function buildQueryWorld(t: TestContext, count: number, subscription: Record<string, unknown> = {}): Promise<QueryWorld> {
  const world = await buildRegisterWorld(t);
  const created = await subscribe(world, { delivery: { mode: 'query' }, fields: PERSON_FIELDS, ...subscription });
  const persons = world.people(count);
  await pushPatiently(world, persons);
  await waitFor(`${count} entries`, async () => (await registerEntries(world.app, world.resource.id)).size === count);
  return {
    ...world,
    subscription: created,
    persons,
    async query(path, body, options = {}) {
      const response = await world.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${options.subscriptionId ?? created.id}/${path}`, headers: bearer(options.key ?? world.integrator.key), payload: body });
      return { statusCode: response.statusCode, json: response.json() };
    },
  };
}
