import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, type TestApp } from './app.ts';

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
