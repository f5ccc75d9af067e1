import { bearer } from '../helpers/app.ts';
import type { World } from '../subscriptions/world.ts';

/** A dispute body on `businessKey` of the world's resource; `extra` overrides any field. */
export function disputeBody(world: World, businessKey: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceId: world.resource.id,
    businessKey,
    fields: ['registered_address'],
    problem: '户籍地址已于2026年迁出，仍显示旧地址',
    evidence: '申请人提交的迁移证编号 QY-2026-0815，派出所出具',
    ...extra,
  };
}

export function raise(world: World, body: Record<string, unknown>, key = world.integrator.key) {
  return world.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: bearer(key), payload: body });
}

/** Raises a dispute and fails the set-up unless it is created. */
export async function raised(world: World, body: Record<string, unknown>, key = world.integrator.key): Promise<Record<string, any>> {
  const response = await raise(world, body, key);
  if (response.statusCode !== 201) throw new Error(`dispute: ${response.statusCode} ${response.body}`);
  return response.json();
}

export function answer(world: World, id: string, verb: 'confirm' | 'reject', key: string, payload: Record<string, unknown> = {}) {
  return world.app.inject({ method: 'POST', url: `/api/v1/disputes/${id}/${verb}`, headers: bearer(key), payload });
}

export async function auditActions(world: World, objectId: string): Promise<string[]> {
  const page = (await world.app.inject({ url: `/api/v1/audit?order=asc&objectId=${objectId}`, headers: bearer(world.adminKey) })).json();
  return page.items.map((entry: { action: string }) => entry.action);
}

/** Polls `probe` until it answers something truthy or `timeoutMs` passes. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}
