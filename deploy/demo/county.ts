import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApi, type Api } from './seed.ts';

export const COUNTY = { instanceId: '330110', name: '余杭区政务数据共享交换平台' };
const MARRIAGE = {
  code: '330110/000001',
  name: '婚姻登记信息',
  kind: 'department',
  providerCode: 'YHMZ',
  providerName: '余杭区民政局',
  summary: '余杭区婚姻登记机关办理的结婚、离婚登记信息。',
  format: 'database',
  items: [
    { name: '公民身份号码', canonicalField: 'id_number', dataType: 'string', sensitivity: 4, masking: 'partial', shareable: true },
    { name: '姓名', canonicalField: 'name', dataType: 'string', sensitivity: 3, masking: 'partial', shareable: true },
    { name: '性别', canonicalField: 'sex', dataType: 'string', sensitivity: 2, masking: 'none', shareable: true },
  ],
  sharing: { type: 'unconditional', methods: ['database-table', 'interface'] },
  open: { open: false },
  updateCycle: 'daily',
  topic: 'dx.county.330110.marriage',
  schemaSubject: 'population.person-value',
};

async function findOrCreate<T extends { id: string }>(list: () => Promise<T[]>, match: (item: T) => boolean, create: () => Promise<T>): Promise<T> {
  return (await list()).find(match) ?? create();
}

/** A county gateway started by `launchCountyGateway`: its address and its data office key. */
export interface CountyGateway {
  url: string;
  adminKey: string;
}

/**
 * `npm run demo -- --county`: the county's gateway beside the city's, in a process of its own (port + 1, its own
 * embedded database in DATA_DIR/county, the same broker). Ends with the city's process.
 */
export function launchCountyGateway(dataDir: string, port: number): Promise<CountyGateway> {
  const child = fork(fileURLToPath(new URL('./county-process.ts', import.meta.url)), [], {
    execArgv: ['--max-semi-space-size=8', '--v8-pool-size=1', '--import=tsx'],
    env: { ...process.env, PORT: String(port), DEMO_COUNTY_DIR: join(dataDir, 'county') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  process.once('exit', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as CountyGateway));
    child.once('exit', (code) => reject(new Error(`the county gateway exited (${code}) before it was ready`)));
  });
}

/**
 * Peers the county gateway with the city's: the county shares a resource, the city harvests it and a city
 * integrator requests it across the gateways. Idempotent: a second start finds what the first made.
 */
export async function peerCounty(city: { url: string; api: Api }, county: CountyGateway): Promise<{ url: string; adminKey: string; integratorKey: string }> {
  const { url, adminKey } = county;
  const countyApi = createApi(url, adminKey);

  const cityIdentity = await city.api('GET', '/api/v1/peers/self');
  const countyIdentity = await countyApi('GET', '/api/v1/peers/self');
  type PeerRow = { id: string; instanceId: string; confirmed: boolean };
  const peerAt = (api: Api, identity: { instanceId: string }, baseUrl: string) =>
    findOrCreate<PeerRow>(async () => (await api('GET', '/api/v1/peers')).items, (peer) => peer.instanceId === identity.instanceId, () => api('POST', '/api/v1/peers', { ...identity, baseUrl }));
  const countyAtCity = await peerAt(city.api, countyIdentity, url);
  const cityAtCounty = await peerAt(countyApi, cityIdentity, city.url);
  if (!countyAtCity.confirmed) await city.api('POST', `/api/v1/peers/${countyAtCity.id}/handshake`);

  const resource = await findOrCreate<{ id: string; code: string }>(async () => (await countyApi('GET', '/api/v1/catalog/resources?limit=200')).items, (item) => item.code === MARRIAGE.code, () => countyApi('POST', '/api/v1/catalog/resources', MARRIAGE));
  await countyApi('PUT', `/api/v1/peers/${cityAtCounty.id}/shares/${resource.id}`);
  await city.api('POST', `/api/v1/peers/${countyAtCity.id}/harvest`);

  const integrator = await findOrCreate<{ id: string; name: string }>(async () => (await city.api('GET', '/api/v1/principals?kind=integrator&limit=500')).items, (item) => item.name === '城市大脑', () => city.api('POST', '/api/v1/principals', { kind: 'integrator', name: '城市大脑' }));
  const integratorKey = ((await city.api('POST', `/api/v1/principals/${integrator.id}/keys`, { label: 'demo' })) as { key: string }).key;
  const harvested = (await city.api('GET', `/api/v1/federation/resources?origin=${COUNTY.instanceId}`, undefined, integratorKey)).items as { id: string; code: string }[];
  const target = harvested.find((item) => item.code === MARRIAGE.code);
  const existing = (await city.api('GET', '/api/v1/federation/requests', undefined, integratorKey)).items as unknown[];
  if (target && existing.length === 0) {
    await city.api('POST', '/api/v1/federation/requests', { harvestedId: target.id, purpose: '婚姻状况核验（一网通办）', legalBasis: '《婚姻登记条例》', fields: ['id_number', 'name'] }, integratorKey);
  }
  return { url, adminKey, integratorKey };
}
