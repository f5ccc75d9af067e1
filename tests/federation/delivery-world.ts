import { randomUUID } from 'node:crypto';
import { bearer } from '../helpers/app.ts';
import { createDepartment, createIntegrator } from '../helpers/department.ts';
import { peerUp, shareWith, startGateway, type TestGateway } from '../helpers/federation.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { personResource } from '../subscriptions/world.ts';

interface TestContext {
  teardown(fn: () => unknown): void;
}

export interface DeliveryWorld {
  city: TestGateway;
  county: TestGateway;
  provider: { key: string };
  harvestedId: string;
  /** A new integrator of the city. */
  integrator(name: string): Promise<{ id: string; key: string }>;
  /** The integrator requests the county resource with `delivery`; answers the city's reply. */
  ask(key: string, delivery?: Record<string, unknown>): Promise<{ statusCode: number; body: string; json(): any }>;
  /** The county's subscription behind a city request. */
  subscriptionOf(requestId: string): Promise<string>;
  /** The county provider revokes; the city learns it on its next tick. */
  revokeAtCounty(requestId: string): Promise<void>;
  /** Writes records into the mirrored topic here as MirrorMaker would copy them (already projected by the owner). */
  mirror(topic: string, records: MirroredRecord[]): Promise<void>;
}

export interface MirroredRecord {
  messageId: string;
  key: string;
  record: Record<string, unknown>;
}

/** One mirrored record as the owner projects them: a masked key, the approved fields, a message id of its own. */
export function mirroredPerson(index: number, messageId: string = randomUUID()): MirroredRecord {
  return { messageId, key: `330110${'*'.repeat(11)}${index % 10}`, record: { name: `张${'*'.repeat(1)}${index}`, sex: index % 2 === 0 ? '1' : '2' } };
}

/**
 * A city and a county gateway, peered, both on `brokers` (default: the shared test broker). The county shares an
 * unconditional person resource, so a city request is active at once; without MirrorMaker the test writes the
 * mirrored topic itself (cascade.test.ts runs MirrorMaker 2).
 */
export async function buildDeliveryWorld(t: TestContext, options: { cityBrokers?: string[]; cityEnv?: Record<string, string> } = {}): Promise<DeliveryWorld> {
  const env = { DX_SCHEDULER_HEARTBEAT_MS: '500', DX_WEBHOOK_BACKOFF_MS: '50' };
  const city = await startGateway(t, '330100', '杭州市平台', { ...(options.cityBrokers ? { brokers: options.cityBrokers } : {}), env: { ...env, ...options.cityEnv } });
  const county = await startGateway(t, '330110', '余杭区平台', { env });
  const { bAtA: countyAtCity, aAtB: cityAtCounty } = await peerUp(city, county);
  const provider = await createDepartment(county.app, county.adminKey, 'YHGA', '余杭区公安分局');
  const body = { ...personResource(`330110/${Math.floor(Math.random() * 1e6)}`, freshTopicName('county'), 'unconditional'), providerCode: 'YHGA', providerName: '余杭区公安分局' };
  const resource = await county.app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(county.adminKey), payload: body });
  if (resource.statusCode !== 201) throw new Error(resource.body);
  await shareWith(county.app, provider.key, cityAtCounty, resource.json().id);
  await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) });
  const harvestedId = (await city.app.inject({ url: '/api/v1/federation/resources?origin=330110', headers: bearer(city.adminKey) })).json().items[0].id as string;

  async function subscriptionOf(requestId: string): Promise<string> {
    const { remoteId } = (await city.app.inject({ url: `/api/v1/federation/requests/${requestId}`, headers: bearer(city.adminKey) })).json();
    const { rows } = await county.app.db.query<{ subscription_id: string }>("SELECT subscription_id FROM federation_requests WHERE direction = 'incoming' AND id = $1", [remoteId]);
    return (rows[0] as { subscription_id: string }).subscription_id;
  }

  return {
    city,
    county,
    provider,
    harvestedId,
    integrator: (name) => createIntegrator(city.app, city.adminKey, name),
    ask: (key, delivery) =>
      city.app.inject({ method: 'POST', url: '/api/v1/federation/requests', headers: bearer(key), payload: { harvestedId, purpose: '城市交通治理', legalBasis: '《杭州市公共数据管理办法》第二十条', fields: ['name', 'sex'], ...(delivery ? { delivery } : {}) } }),
    subscriptionOf,
    async revokeAtCounty(requestId) {
      const subscriptionId = await subscriptionOf(requestId);
      const revoked = await county.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscriptionId}/revoke`, headers: bearer(provider.key), payload: { reason: '协议到期' } });
      if (revoked.statusCode !== 200) throw new Error(`revoke: ${revoked.body}`);
      await city.app.federation.tick();
    },
    async mirror(topic, records) {
      await city.app.kafka.ensureTopic(topic);
      await city.app.kafka.producer.send({
        topic,
        acks: -1,
        messages: records.map((record, index) => ({ key: record.key, value: JSON.stringify(record.record), headers: { 'dx-message-id': record.messageId, 'dx-subscription': 'owner', 'dx-source-offset': `0:${index}` } })),
      });
    },
  };
}
