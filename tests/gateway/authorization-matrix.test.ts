import { generateKeyPairSync, randomBytes } from 'node:crypto';
import t from 'tap';
import { rawPublicKey } from '../../gateway/federation/instance-key.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { bearer } from '../helpers/app.ts';
import { freshTopicName } from '../helpers/kafka.ts';
import { buildWorld, IDENTITY_MAPPING, personResource, PROVIDER, subscribe, type World } from '../subscriptions/world.ts';

/**
 * Every /api/v1 route × every role, as designed (gateway/auth/policy.ts and the routes' object checks).
 * Roles, in this order: the data office; the department owning the object (the provider of the resource, the
 * owner of the connector); another department; the integrator holding the subscription (a grant); an integrator
 * without one. A caller without a key gets 401 everywhere.
 *
 *   A  allowed: 2xx, or 409 when the object is in a state that refuses the action (checked after authorization)
 *   F  forbidden: 403, the kind of principal may not call the route at all
 *   H  hidden: 404, the principal may call the route but not on this object, whose existence does not leak
 *
 * A route of the OpenAPI document without a row fails the first test: add it here with its intended outcomes.
 */
type Call = { url: string; payload?: unknown };
type Row = [expected: string, call: (fixtures: Fixtures) => Promise<Call> | Call];

/** A valid ID number and the accounting every register query carries. */
const QUERY_KEY = '11010519491231002X';
const ACCOUNTING = { purpose: '权限矩阵测试', operator: 'matrix' };

const ROLES = ['office', 'owner', 'otherDepartment', 'granted', 'ungranted'] as const;
type Role = (typeof ROLES)[number];

const MATRIX: Record<string, Row> = {
  'GET /api/v1/me': ['A A A A A', () => ({ url: '/api/v1/me' })],
  'POST /api/v1/principals': ['A F F F F', () => ({ url: '/api/v1/principals', payload: { kind: 'integrator', name: `系统${unique()}` } })],
  'GET /api/v1/principals': ['A F F F F', () => ({ url: '/api/v1/principals' })],
  'GET /api/v1/principals/{id}': ['A F F F F', (f) => ({ url: `/api/v1/principals/${f.world.otherIntegrator.id}` })],
  'POST /api/v1/principals/{id}/disable': ['A F F F F', async (f) => ({ url: `/api/v1/principals/${await f.freshPrincipal()}/disable` })],
  'POST /api/v1/principals/{id}/enable': ['A F F F F', async (f) => ({ url: `/api/v1/principals/${await f.freshPrincipal()}/enable` })],
  'POST /api/v1/principals/{id}/keys': ['A F F F F', async (f) => ({ url: `/api/v1/principals/${await f.freshPrincipal()}/keys`, payload: {} })],
  'GET /api/v1/principals/{id}/keys': ['A F F F F', (f) => ({ url: `/api/v1/principals/${f.world.otherIntegrator.id}/keys` })],
  'DELETE /api/v1/principals/{id}/keys/{keyId}': ['A F F F F', async (f) => {
    const principal = await f.freshPrincipal();
    return { url: `/api/v1/principals/${principal}/keys/${await f.freshKey(principal)}` };
  }],
  'POST /api/v1/validate': ['A A A A A', (f) => ({ url: '/api/v1/validate', payload: { schema: 'population.person', records: f.people(1) } })],
  'GET /api/v1/connector-types': ['A A A A A', () => ({ url: '/api/v1/connector-types' })],
  'POST /api/v1/connectors': ['A A F F F', (f) => ({ url: '/api/v1/connectors', payload: { ...f.connectorBody(), departmentCode: PROVIDER, type: 'http-push', schema: 'population.person', topic: f.world.topic } })],
  'GET /api/v1/connectors': ['A A A F F', () => ({ url: '/api/v1/connectors' })],
  'GET /api/v1/connectors/{id}': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}` })],
  'PUT /api/v1/connectors/{id}': ['A A H F F', async (f) => {
    const body = f.connectorBody();
    return { url: `/api/v1/connectors/${await f.freshConnector(body.name)}`, payload: body };
  }],
  'DELETE /api/v1/connectors/{id}': ['A A H F F', async (f) => ({ url: `/api/v1/connectors/${await f.freshConnector()}` })],
  'POST /api/v1/connectors/{id}/pause': ['A A H F F', async (f) => ({ url: `/api/v1/connectors/${await f.freshConnector()}/pause` })],
  'POST /api/v1/connectors/{id}/resume': ['A A H F F', async (f) => ({ url: `/api/v1/connectors/${await f.freshConnector()}/resume` })],
  'POST /api/v1/connectors/{id}/run': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/run` })],
  'POST /api/v1/connectors/{id}/test': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/test` })],
  'GET /api/v1/connectors/{id}/status': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/status` })],
  'POST /api/v1/connectors/{id}/offsets/reset': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/offsets/reset` })],
  'GET /api/v1/connectors/{id}/rejected': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/rejected` })],
  'POST /api/v1/connectors/{id}/rejected/replay': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/rejected/replay`, payload: {} })],
  'GET /api/v1/connectors/{id}/warnings': ['A A H F F', (f) => ({ url: `/api/v1/connectors/${f.world.connectorId}/warnings` })],
  'POST /api/v1/ingest/{id}': ['F A H F F', (f) => ({ url: `/api/v1/ingest/${f.world.connectorId}`, payload: f.people(1) })],
  'GET /api/v1/allowed-hosts': ['A F F F F', () => ({ url: '/api/v1/allowed-hosts' })],
  'POST /api/v1/allowed-hosts': ['A F F F F', () => ({ url: '/api/v1/allowed-hosts', payload: { entry: '10.20.0.0/16:5432', departments: [PROVIDER] } })],
  'DELETE /api/v1/allowed-hosts/{id}': ['A F F F F', async (f) => ({ url: `/api/v1/allowed-hosts/${await f.freshAllowedHost()}` })],
  'GET /api/v1/audit': ['A F F F F', () => ({ url: '/api/v1/audit' })],
  'GET /api/v1/audit/verify': ['A F F F F', () => ({ url: '/api/v1/audit/verify' })],
  'GET /api/v1/audit/export': ['A F F F F', () => ({ url: '/api/v1/audit/export' })],
  'GET /api/v1/catalog/resources': ['A A A A A', () => ({ url: '/api/v1/catalog/resources' })],
  'POST /api/v1/catalog/resources': ['A A F F F', () => ({ url: '/api/v1/catalog/resources', payload: { ...personResource(`301098/${unique()}`, freshTopicName('matrix'), 'unconditional'), topic: null, providerCode: PROVIDER, providerName: '市户籍管理局' } })],
  'GET /api/v1/catalog/vocabulary': ['A A A A A', () => ({ url: '/api/v1/catalog/vocabulary' })],
  'GET /api/v1/catalog/resources/{id}': ['A A A A A', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}` })],
  'PUT /api/v1/catalog/resources/{id}': ['A A H F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}`, payload: f.world.resourceBody })],
  // Past authorization a local resource answers 405 (changed with PUT, never deleted); a harvested one 409.
  'PATCH /api/v1/catalog/resources/{id}': ['A A H F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}`, payload: {} })],
  'DELETE /api/v1/catalog/resources/{id}': ['A A H F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}` })],
  'GET /api/v1/catalog/resources/{id}/history': ['A A H F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/history` })],
  'GET /api/v1/catalog/resources/{id}/publishers': ['A A H F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/publishers` })],
  'PUT /api/v1/catalog/resources/{id}/publishers/{departmentCode}': ['A F F F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/publishers/MZJ` })],
  'DELETE /api/v1/catalog/resources/{id}/publishers/{departmentCode}': ['A F F F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/publishers/MZJ` })],
  'GET /api/v1/catalog/resources/{id}/statistics': ['A A A A A', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/statistics` })],
  'GET /api/v1/catalog/resources/{id}/throughput': ['A A A A A', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/throughput` })],
  'GET /api/v1/catalog/resources/{id}/lineage': ['A A A A A', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/lineage` })],
  'GET /api/v1/catalog/resources/{id}/disputes': ['A A A A A', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/disputes` })],
  'GET /api/v1/catalog/export.jsonld': ['A A A A A', () => ({ url: '/api/v1/catalog/export.jsonld' })],
  'GET /api/v1/catalog/export.xlsx': ['A A A A A', () => ({ url: '/api/v1/catalog/export.xlsx' })],
  'POST /api/v1/subscriptions': ['F F F A A', (f) => ({ url: '/api/v1/subscriptions', payload: f.subscriptionBody(f.world.resource.id) })],
  'GET /api/v1/subscriptions': ['A A A A A', () => ({ url: '/api/v1/subscriptions' })],
  'GET /api/v1/subscriptions/{id}': ['A A H A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}` })],
  'POST /api/v1/subscriptions/{id}/approve': ['F A H F F', async (f) => ({ url: `/api/v1/subscriptions/${await f.freshPending()}/approve`, payload: {} })],
  'POST /api/v1/subscriptions/{id}/reject': ['F A H F F', async (f) => ({ url: `/api/v1/subscriptions/${await f.freshPending()}/reject`, payload: { reason: '不符合共享条件' } })],
  'POST /api/v1/subscriptions/{id}/revoke': ['A A H A H', async (f) => ({ url: `/api/v1/subscriptions/${await f.freshGrant()}/revoke`, payload: {} })],
  'GET /api/v1/subscriptions/{id}/records': ['F F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/records` })],
  'GET /api/v1/subscriptions/{id}/stream': ['F F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/stream` })],
  'POST /api/v1/subscriptions/{id}/redeliver': ['A F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/redeliver` })],
  'GET /api/v1/catalog/resources/{id}/register': ['A A A A A', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/register` })],
  'POST /api/v1/catalog/resources/{id}/register/rebuild': ['A F F F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/register/rebuild` })],
  'GET /api/v1/catalog/resources/{id}/register/usage': ['A A H F F', (f) => ({ url: `/api/v1/catalog/resources/${f.world.resource.id}/register/usage?key=${QUERY_KEY}` })],
  'POST /api/v1/subscriptions/{id}/lookup': ['F F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/lookup`, payload: { key: QUERY_KEY, ...ACCOUNTING } })],
  'POST /api/v1/subscriptions/{id}/lookup/batch': ['F F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/lookup/batch`, payload: { keys: [QUERY_KEY], ...ACCOUNTING } })],
  'POST /api/v1/subscriptions/{id}/verify': ['F F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/verify`, payload: { key: QUERY_KEY, claims: { name: '张三' }, ...ACCOUNTING } })],
  'POST /api/v1/subscriptions/{id}/licences': ['F F F A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/licences`, payload: { holderCodeType: '111', holderCode: QUERY_KEY, ...ACCOUNTING } })],
  'GET /api/v1/subscriptions/{id}/query-usage': ['A A H A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/query-usage` })],
  'GET /api/v1/subscriptions/{id}/disputes': ['A A H A H', (f) => ({ url: `/api/v1/subscriptions/${f.grant}/disputes` })],
  'POST /api/v1/disputes': ['A F F A F', (f) => ({ url: '/api/v1/disputes', payload: f.disputeBody() })],
  'GET /api/v1/disputes': ['A A A A A', () => ({ url: '/api/v1/disputes' })],
  'GET /api/v1/disputes/{id}': ['A A H A H', async (f) => ({ url: `/api/v1/disputes/${await f.freshDispute()}` })],
  'GET /api/v1/disputes/{id}/attachment': ['A A H A H', async (f) => ({ url: `/api/v1/disputes/${await f.freshDispute()}/attachment` })],
  'POST /api/v1/disputes/{id}/confirm': ['A A H F F', async (f) => ({ url: `/api/v1/disputes/${await f.freshDispute()}/confirm`, payload: {} })],
  'POST /api/v1/disputes/{id}/reject': ['A A H F F', async (f) => ({ url: `/api/v1/disputes/${await f.freshDispute()}/reject`, payload: { reason: '经核查无误' } })],
  'GET /api/v1/peers/self': ['A F F F F', () => ({ url: '/api/v1/peers/self' })],
  'GET /api/v1/peers': ['A F F F F', () => ({ url: '/api/v1/peers' })],
  'POST /api/v1/peers': ['A F F F F', (f) => ({ url: '/api/v1/peers', payload: f.peerBody() })],
  'GET /api/v1/peers/{id}': ['A F F F F', (f) => ({ url: `/api/v1/peers/${f.peer}` })],
  'DELETE /api/v1/peers/{id}': ['A F F F F', async (f) => ({ url: `/api/v1/peers/${await f.freshPeer()}` })],
  'POST /api/v1/peers/{id}/handshake': ['A F F F F', (f) => ({ url: `/api/v1/peers/${f.peer}/handshake` })],
  'POST /api/v1/peers/{id}/harvest': ['A F F F F', (f) => ({ url: `/api/v1/peers/${f.peer}/harvest` })],
  'GET /api/v1/peers/{id}/mirror': ['A F F F F', (f) => ({ url: `/api/v1/peers/${f.peer}/mirror` })],
  'GET /api/v1/peers/{id}/shares': ['A A A F F', (f) => ({ url: `/api/v1/peers/${f.peer}/shares` })],
  'PUT /api/v1/peers/{id}/shares/{resourceId}': ['A A H F F', (f) => ({ url: `/api/v1/peers/${f.peer}/shares/${f.world.resource.id}` })],
  'DELETE /api/v1/peers/{id}/shares/{resourceId}': ['A A H F F', (f) => ({ url: `/api/v1/peers/${f.peer}/shares/${f.world.resource.id}` })],
  'GET /api/v1/federation/resources': ['A A A A A', () => ({ url: '/api/v1/federation/resources' })],
  'GET /api/v1/federation/resources/{id}': ['A A A A A', (f) => ({ url: `/api/v1/federation/resources/${f.harvested}` })],
  'PUT /api/v1/federation/resources/{id}': ['A A A A A', (f) => ({ url: `/api/v1/federation/resources/${f.harvested}`, payload: {} })],
  'DELETE /api/v1/federation/resources/{id}': ['A A A A A', (f) => ({ url: `/api/v1/federation/resources/${f.harvested}` })],
  'POST /api/v1/federation/requests': ['F F F A A', (f) => ({ url: '/api/v1/federation/requests', payload: { harvestedId: f.harvested, purpose: '权限矩阵测试', legalBasis: '测试', fields: ['name'] } })],
  'GET /api/v1/federation/requests': ['A F F A A', () => ({ url: '/api/v1/federation/requests' })],
  'GET /api/v1/federation/requests/{id}': ['A F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}` })],
  'POST /api/v1/federation/requests/{id}/revoke': ['F F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/revoke`, payload: {} })],
  'GET /api/v1/federation/requests/{id}/records': ['F F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/records` })],
  'POST /api/v1/federation/requests/{id}/lookup': ['F F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/lookup`, payload: { key: QUERY_KEY, ...ACCOUNTING } })],
  'POST /api/v1/federation/requests/{id}/lookup/batch': ['F F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/lookup/batch`, payload: { keys: [QUERY_KEY], ...ACCOUNTING } })],
  'POST /api/v1/federation/requests/{id}/verify': ['F F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/verify`, payload: { key: QUERY_KEY, claims: { name: '张三' }, ...ACCOUNTING } })],
  'POST /api/v1/federation/requests/{id}/licences': ['F F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/licences`, payload: { holderCodeType: '111', holderCode: QUERY_KEY, ...ACCOUNTING } })],
  'POST /api/v1/federation/requests/{id}/redeliver': ['A F F A H', (f) => ({ url: `/api/v1/federation/requests/${f.crossRequest}/redeliver` })],
};

let counter = 0;
const unique = () => `${String(++counter).padStart(4, '0')}${randomBytes(2).readUInt16BE(0) % 100}`;

interface Fixtures {
  world: World;
  keys: Record<Role, string>;
  /** The granted integrator's active http subscription to the world's resource. */
  grant: string;
  people(count: number): unknown[];
  connectorBody(): { name: string; config: Record<string, unknown>; mapping: unknown };
  subscriptionBody(resourceId: string): Record<string, unknown>;
  freshPrincipal(): Promise<string>;
  freshKey(principalId: string): Promise<string>;
  freshConnector(name?: string): Promise<string>;
  freshGrant(): Promise<string>;
  freshPending(): Promise<string>;
  freshAllowedHost(): Promise<string>;
  disputeBody(): Record<string, unknown>;
  /** A dispute with an attachment, raised by the granted integrator on a resource only it subscribes to. */
  freshDispute(): Promise<string>;
  /** The gateway's own address, listening: the registered peer points at it (it does not know the peer's key). */
  baseUrl: string;
  peer: string;
  peerBody(): Record<string, unknown>;
  freshPeer(): Promise<string>;
  /** A resource harvested from `peer`, and the granted integrator's revoked request for it. */
  harvested: string;
  crossRequest: string;
}

async function created(response: { statusCode: number; body: string; json(): any }): Promise<any> {
  if (response.statusCode !== 201) throw new Error(`fixture: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function buildFixtures(t: Parameters<typeof buildWorld>[0]): Promise<Fixtures> {
  const world = await buildWorld(t);
  const { app, adminKey, provider } = world;
  const conditional = await created(
    await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: { ...personResource(`301097/${unique()}`, freshTopicName('matrix'), 'conditional'), providerCode: PROVIDER, providerName: '市户籍管理局' } }),
  );
  // Disputed by the granted integrator only: the ungranted one subscribes to the world's resource in its own row.
  const disputed = await created(
    await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: { ...personResource(`301096/${unique()}`, freshTopicName('matrix'), 'unconditional'), providerCode: PROVIDER, providerName: '市户籍管理局' } }),
  );
  await subscribe(world, { resourceId: disputed.id, fields: ['name'] });
  const fixtures = createFixtureGenerator({ seed: 11 });
  const subscriptionBody = (resourceId: string) => ({ resourceId, purpose: '权限矩阵测试', legalBasis: '测试', fields: ['name'], delivery: { mode: 'http' } });
  const connectorBody = () => ({ name: `推送${unique()}`, config: { maxRecordsPerRequest: 100 }, mapping: IDENTITY_MAPPING });
  const disputeBody = () => ({ resourceId: disputed.id, businessKey: fixtures.person().id_number, fields: ['name'], problem: '姓名有误', evidence: '权限矩阵测试', attachment: { name: 'e.txt', contentType: 'text/plain', data: 'ZXZpZGVuY2U=' } });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const peerBody = () => ({ instanceId: String(100000 + (++counter * 97 + randomBytes(2).readUInt16BE(0)) % 900000), name: `对端${unique()}`, baseUrl, publicKey: rawPublicKey(generateKeyPairSync('ed25519').publicKey) });
  const freshPeer = async () => (await created(await app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(adminKey), payload: peerBody() }))).id as string;
  const peer = await freshPeer();
  const { rows: harvestedRows } = await app.db.query<{ id: string }>(
    `INSERT INTO federation_harvested (peer_id, iri, code, name, summary, publisher, fields, modified) VALUES ($1, 'https://peer.example/api/v1/catalog/resources/1', '330110/1', '婚姻登记信息', '测试', '民政局', '[{"field":"name","name":"姓名","masking":"partial"}]', now()) RETURNING id`,
    [peer],
  );
  const harvested = (harvestedRows[0] as { id: string }).id;
  const { rows: requestRows } = await app.db.query<{ id: string }>(
    `INSERT INTO federation_requests (direction, peer_id, remote_id, harvested_id, resource_code, integrator_id, integrator_name, purpose, legal_basis, requested_fields, status)
     VALUES ('outgoing', $1, gen_random_uuid(), $2, '330110/1', $3, '一网通办平台', '测试', '测试', '["name"]', 'revoked') RETURNING id`,
    [peer, harvested, world.integrator.id],
  );
  return {
    baseUrl,
    peer,
    peerBody,
    freshPeer,
    harvested,
    crossRequest: (requestRows[0] as { id: string }).id,
    world,
    keys: { office: adminKey, owner: provider.key, otherDepartment: world.otherDepartment.key, granted: world.integrator.key, ungranted: world.otherIntegrator.key },
    grant: (await subscribe(world, { fields: ['name'] })).id,
    people: (count) => Array.from({ length: count }, () => fixtures.person()),
    connectorBody,
    subscriptionBody,
    freshPrincipal: async () => (await created(await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'integrator', name: `临时${unique()}` } }))).id,
    freshKey: async (principalId) => (await created(await app.inject({ method: 'POST', url: `/api/v1/principals/${principalId}/keys`, headers: bearer(adminKey), payload: {} }))).id,
    freshConnector: async (name) =>
      (await created(await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(provider.key), payload: { ...connectorBody(), ...(name ? { name } : {}), type: 'http-push', schema: 'population.person', topic: world.topic } }))).id,
    freshGrant: async () => (await subscribe(world, { fields: ['name'] })).id,
    freshPending: async () => (await subscribe(world, { resourceId: conditional.id, fields: ['name'] })).id,
    disputeBody,
    freshDispute: async () => (await created(await app.inject({ method: 'POST', url: '/api/v1/disputes', headers: bearer(world.integrator.key), payload: disputeBody() }))).id,
    freshAllowedHost: async () => (await created(await app.inject({ method: 'POST', url: '/api/v1/allowed-hosts', headers: bearer(adminKey), payload: { entry: '10.30.0.0/16' } }))).id,
  };
}

/** Status of one call; the event stream is read over a real connection and closed once its status is known. */
async function statusOf(f: Fixtures, baseUrl: string, method: string, call: Call, key: string | undefined): Promise<number> {
  const headers = key === undefined ? {} : bearer(key);
  if (call.url.endsWith('/stream')) {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}${call.url}`, { headers, signal: controller.signal });
    controller.abort();
    return response.status;
  }
  const response = await f.world.app.inject({ method: method as 'GET', url: call.url, headers, ...(call.payload === undefined ? {} : { payload: call.payload as object }) });
  return response.statusCode;
}

/** Past authorization: an answer, a conflict, or a method the resource refuses (405) once the caller may act on it. */
function allowed(status: number): boolean {
  return (status >= 200 && status < 300) || status === 409 || status === 405;
}

const EXPECTED_STATUS = { F: 403, H: 404 } as const;

t.test('every /api/v1 route of the OpenAPI document has a row in the matrix, and every row is a route', async (t) => {
  const world = await buildWorld(t);
  const document = (await world.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  t.same(routes.filter((route) => !(route in MATRIX)), [], 'routes without a row');
  t.same(Object.keys(MATRIX).filter((route) => !routes.includes(route)), [], 'rows without a route');
  for (const [route, [expected]] of Object.entries(MATRIX)) t.match(expected, /^[AFH]( [AFH]){4}$/, `${route} names an outcome for each of the ${ROLES.length} roles`);
});

t.test('each role gets the designed outcome on every route, and a caller without a key gets 401', async (t) => {
  const f = await buildFixtures(t);
  const { baseUrl } = f;
  for (const [route, [expected, call]] of Object.entries(MATRIX)) {
    const method = route.split(' ')[0] as string;
    const outcomes = expected.split(' ');
    await t.test(route, async (t) => {
      t.equal(await statusOf(f, baseUrl, method, await call(f), undefined), 401, 'no key');
      for (const [index, role] of ROLES.entries()) {
        const outcome = outcomes[index] as 'A' | 'F' | 'H';
        const status = await statusOf(f, baseUrl, method, await call(f), f.keys[role]);
        if (outcome === 'A') t.ok(allowed(status), `${role} is allowed (got ${status})`);
        else t.equal(status, EXPECTED_STATUS[outcome], `${role} is ${outcome === 'F' ? 'forbidden' : 'answered not found'}`);
      }
    });
  }
});
