import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { readMirrorPlan, type ClusterSettings } from '../../deploy/mirror/plan.ts';
import { createMirrorSupervisor, type MirrorSupervisor } from '../../deploy/mirror/supervisor.ts';
import { IDENTITY_MAPPING, personResource } from '../subscriptions/world.ts';
import { bearer, buildTestApp, type TestApp } from './app.ts';
import { createDepartment } from './department.ts';
import { freshTopicName } from './kafka.ts';

export interface TestGateway extends TestApp {
  url: string;
  instance: { instanceId: string; name: string; publicKey: string };
}

interface TestContext {
  teardown(fn: () => unknown): void;
}

/** A gateway with its own database, listening on a loopback port so peers can call it; harvests only on demand. */
export async function startGateway(t: TestContext, instanceId: string, name: string, options: { brokers?: string[]; env?: Record<string, string>; hostResolver?: (host: string) => Promise<string[]> } = {}): Promise<TestGateway> {
  const gateway = await buildTestApp(t, { ...(options.brokers ? { brokers: options.brokers } : {}), ...(options.hostResolver ? { hostResolver: options.hostResolver } : {}), env: { DX_INSTANCE_ID: instanceId, DX_INSTANCE_NAME: name, DX_FEDERATION_HARVEST_INTERVAL_MS: '0', ...options.env } });
  const url = await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const instance = (await gateway.app.inject({ url: '/api/v1/peers/self', headers: bearer(gateway.adminKey) })).json();
  return { ...gateway, url, instance };
}

/** Registers `peer` at `gateway` as its data office would; answers the peer's id there. */
export async function registerPeer(gateway: TestGateway, peer: TestGateway): Promise<string> {
  const response = await gateway.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(gateway.adminKey), payload: { ...peer.instance, baseUrl: peer.url } });
  if (response.statusCode !== 201) throw new Error(`register ${peer.instance.instanceId}: ${response.statusCode} ${response.body}`);
  return response.json().id as string;
}

/** Both data offices register each other, then `a` calls the handshake: federation is on. Answers each side's peer id. */
export async function peerUp(a: TestGateway, b: TestGateway): Promise<{ bAtA: string; aAtB: string }> {
  const bAtA = await registerPeer(a, b);
  const aAtB = await registerPeer(b, a);
  const handshake = await a.app.inject({ method: 'POST', url: `/api/v1/peers/${bAtA}/handshake`, headers: bearer(a.adminKey) });
  if (handshake.statusCode !== 200) throw new Error(`handshake: ${handshake.statusCode} ${handshake.body}`);
  return { bAtA, aAtB };
}

export async function shareWith(app: FastifyInstance, key: string, peerId: string, resourceId: string): Promise<void> {
  const response = await app.inject({ method: 'PUT', url: `/api/v1/peers/${peerId}/shares/${resourceId}`, headers: bearer(key) });
  if (response.statusCode !== 204) throw new Error(`share: ${response.statusCode} ${response.body}`);
}

/**
 * The owner's MirrorMaker supervisor (deploy/mirror/supervisor.ts) as `npm run mirror` runs it, reading `owner`'s
 * plan with its data office key; `clusters` as in the clusters file. Stopped when the test ends.
 */
export function superviseMirror(t: TestContext, owner: TestGateway, clusters: Record<string, ClusterSettings>, options: { intervalMs?: number; restartDelayMs?: number } = {}): MirrorSupervisor {
  const dir = mkdtempSync(join(tmpdir(), 'dx-mirror-'));
  const supervisor = createMirrorSupervisor({
    plan: () => readMirrorPlan({ gatewayUrl: owner.url, apiKey: owner.adminKey, clusters }),
    dir,
    intervalMs: options.intervalMs ?? 1000,
    log: pino({ name: 'mirror', level: 'warn' }),
    ...(options.restartDelayMs !== undefined ? { restartDelayMs: options.restartDelayMs } : {}),
  });
  t.teardown(async () => {
    await supervisor.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  supervisor.start();
  return supervisor;
}

/** A county's person resource of its department 余杭区公安分局 (ITEMS of the subscription tests), fed by an http-push connector. */
export async function countyPersonResource(county: TestGateway, sharing: 'conditional' | 'unconditional' = 'conditional') {
  const provider = await createDepartment(county.app, county.adminKey, 'YHGA', '余杭区公安分局');
  const topic = freshTopicName('county');
  const resource = (await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: { ...personResource(`${county.instance.instanceId}/000001`, topic, sharing), providerCode: 'YHGA', providerName: '余杭区公安分局' } })).json();
  const connector = (await county.app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(provider.key), payload: { name: '户籍推送', type: 'http-push', schema: 'population.person', topic, config: { maxRecordsPerRequest: 1000 }, mapping: IDENTITY_MAPPING } })).json();
  return { provider, topic, resource, connector };
}
