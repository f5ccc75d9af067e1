import t from 'tap';
import { createHostGuard, type ConnectionRequest, type HostGuardOptions } from '../../gateway/security/host-guard.ts';
import { defaultAllowedHosts, loadConfig, type ConfigError } from '../../gateway/config.ts';
import { ownEndpoints } from '../../gateway/security/own-endpoints.ts';
import { TEST_AUDIT_KEY } from '../helpers/audit-key.ts';
import { TEST_SECRET_KEY } from '../helpers/secret-key.ts';

/** The keys a production start (DATABASE_URL set) must have. */
const PRODUCTION_KEYS = { DX_SECRET_KEY: TEST_SECRET_KEY, DX_AUDIT_KEY: TEST_AUDIT_KEY };

const dns: Record<string, string[]> = {
  'db.hukou.gov.internal': ['10.20.0.15'],
  'api.scjg.gov.internal': ['10.30.1.2'],
  'rebinding.example': ['169.254.169.254'],
  'split.gov.internal': ['10.20.0.16', '169.254.169.254'],
  'outside.example': ['203.0.113.9'],
  'loop.example': ['127.0.0.7'],
};
const resolver = async (host: string) => {
  const addresses = dns[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses;
};
const pgAt = (port = 5432, database = 'hukou', user = 'reader'): ConnectionRequest => ({ protocol: 'postgres', port, database, user });
const http: ConnectionRequest = { protocol: 'http', port: 80 };
const guardOf = (allowList: string[], more: Partial<HostGuardOptions> = {}) => createHostGuard({ allowList, resolver, ...more });

t.test('a name on the allow-list resolves to the address to connect to', async (t) => {
  t.equal(await guardOf(['*.gov.internal']).resolve('db.hukou.gov.internal', pgAt()), '10.20.0.15');
});

t.test('an address inside an allowed CIDR range passes, one outside is refused without saying what the name resolved to', async (t) => {
  const guard = guardOf(['10.20.0.0/16']);
  t.equal(await guard.resolve('db.hukou.gov.internal', pgAt()), '10.20.0.15');
  const refusal = await guard.resolve('api.scjg.gov.internal', http).catch((err: Error) => err);
  t.match(refusal, { code: 'DX_ERR_HOST_REFUSED', message: /^api\.scjg\.gov\.internal:80 is refused: it is not on the allow-list/ });
  t.notMatch((refusal as Error).message, /10\.30/);
  await t.rejects(guard.resolve('outside.example', http), { code: 'DX_ERR_HOST_REFUSED' });
});

t.test('an entry with a port allows that port only', async (t) => {
  const guard = guardOf(['10.20.0.0/16:5432', 'api.scjg.gov.internal:443', '[::1]:8443']);
  t.equal(await guard.resolve('db.hukou.gov.internal', pgAt(5432)), '10.20.0.15');
  await t.rejects(guard.resolve('db.hukou.gov.internal', pgAt(6432)), { code: 'DX_ERR_HOST_REFUSED' });
  t.equal(await guard.resolve('api.scjg.gov.internal', { protocol: 'https', port: 443 }), '10.30.1.2');
  await t.rejects(guard.resolve('api.scjg.gov.internal', http), { code: 'DX_ERR_HOST_REFUSED' });
  t.equal(await guard.resolve('[::1]', { protocol: 'https', port: 8443 }), '::1');
  await t.rejects(guard.resolve('::1', http), { code: 'DX_ERR_HOST_REFUSED' });
});

t.test('entries scoped to a department apply to its connections only', async (t) => {
  const guard = guardOf([], { scopedEntries: async (department) => (department === 'GAJ' ? ['10.20.0.0/16:5432'] : []) });
  t.equal(await guard.resolve('db.hukou.gov.internal', { ...pgAt(), departmentCode: 'GAJ' }), '10.20.0.15');
  await t.rejects(guard.resolve('db.hukou.gov.internal', { ...pgAt(), departmentCode: 'SCJG' }), { code: 'DX_ERR_HOST_REFUSED' });
  await t.rejects(guard.resolve('db.hukou.gov.internal', pgAt()), { code: 'DX_ERR_HOST_REFUSED' });
});

t.test('link-local and metadata addresses are refused even when allowed by name or range', async (t) => {
  const guard = guardOf(['*.gov.internal', 'rebinding.example', '0.0.0.0/0', '::/0']);
  await t.rejects(guard.resolve('169.254.169.254', http), { message: /link-local or metadata/ });
  await t.rejects(guard.resolve('100.100.100.200', http), { message: /link-local or metadata/ }, 'Alibaba Cloud metadata');
  await t.rejects(guard.resolve('rebinding.example', http), { code: 'DX_ERR_HOST_REFUSED' }, 'a name resolving to a metadata address');
  await t.rejects(guard.resolve('split.gov.internal', http), { code: 'DX_ERR_HOST_REFUSED' }, 'any resolved address refused refuses the host');
  await t.rejects(guard.resolve('[::ffff:169.254.169.254]', http), { message: /link-local or metadata/ }, 'IPv4-mapped IPv6');
  await t.rejects(guard.resolve('fe80::1', http), { message: /link-local or metadata/ });
});

t.test("the gateway's brokers and database are refused on any loopback address, other databases of its server pass", async (t) => {
  const own = ownEndpoints('postgresql://gw@127.0.0.1:5432/gateway', ['127.0.0.1:9092']);
  const guard = guardOf(['127.0.0.0/8', '::1', '*.example'], { own, inspectLogin: async (user) => ({ superuser: user === 'postgres', readsGatewayData: user === 'gw' }) });
  await t.rejects(guard.resolve('127.0.0.1', { protocol: 'http', port: 9092 }), { message: /gateway's own Kafka/ });
  await t.rejects(guard.resolve('loop.example', { protocol: 'http', port: 9092 }), { message: /gateway's own Kafka/ }, 'another loopback address, by name');
  await t.rejects(guard.resolve('::1', pgAt(5432, 'gateway')), { message: /database gateway is the gateway's own/ });
  await t.rejects(guard.resolve('127.0.0.2', pgAt(5432, 'hukou', 'postgres')), { message: /postgres is a superuser/ });
  await t.rejects(guard.resolve('127.0.0.1', pgAt(5432, 'hukou', 'gw')), { message: /gw can read its tables/ });
  await t.rejects(guard.resolve('127.0.0.1', { protocol: 'http', port: 5432 }), { message: /gateway's own PostgreSQL server/ });
  t.equal(await guard.resolve('127.0.0.1', pgAt(5432, 'hukou', 'reader')), '127.0.0.1');
  t.equal(await guard.resolve('127.0.0.1', pgAt(5433, 'gateway', 'postgres')), '127.0.0.1', 'another server on another port');
});

t.test('an unresolvable name on the allow-list is refused as retriable; one that is not on it, as not allowed', async (t) => {
  const guard = guardOf(['127.0.0.0/8', '::1', 'nowhere.example']);
  t.equal(await guard.resolve('127.0.0.1', http), '127.0.0.1');
  await t.rejects(guard.resolve('nowhere.example', http), { code: 'DX_ERR_HOST_REFUSED', retriable: true });
  await t.rejects(guard.resolve('elsewhere.example', http), { code: 'DX_ERR_HOST_REFUSED', message: /not on the allow-list/ });
});

t.test('a broker the Kafka cluster advertises is refused like the bootstrap brokers', async (t) => {
  const own = ownEndpoints('postgresql://gw@10.9.0.1:5432/gateway', ['10.9.0.2:9092']);
  const guard = guardOf(['10.0.0.0/8'], { own, clusterBrokers: async () => [{ host: '10.9.0.3', port: 9094 }] });
  await t.rejects(guard.resolve('10.9.0.3', { protocol: 'http', port: 9094 }), { message: /gateway's own Kafka/ });
  await t.rejects(guard.resolve('10.9.0.2', { protocol: 'http', port: 9092 }), { message: /gateway's own Kafka/ });
  t.equal(await guard.resolve('10.9.0.3', { protocol: 'http', port: 8080 }), '10.9.0.3');
});

t.test('loopback is allowed by default only without DATABASE_URL, and a malformed entry stops the start naming the variable', async (t) => {
  t.equal(defaultAllowedHosts(loadConfig({})), '127.0.0.0/8,::1', 'embedded database: a local start');
  t.equal(defaultAllowedHosts(loadConfig({ ...PRODUCTION_KEYS, DATABASE_URL: 'postgresql://gw@db:5432/gw' })), '', 'production: nothing unless listed');
  t.equal(defaultAllowedHosts(loadConfig({ ...PRODUCTION_KEYS, DATABASE_URL: 'postgresql://gw@db:5432/gw', DX_ALLOWED_HOSTS: '10.2.0.0/16:5432' })), '10.2.0.0/16:5432');
  const refusal = (() => {
    try {
      loadConfig({ DX_ALLOWED_HOSTS: '10.2.0.0/16:5432,db.internal:0,bad host' });
    } catch (err) {
      return err as ConfigError;
    }
  })();
  t.same(refusal?.problems, ['DX_ALLOWED_HOSTS: port 0 is not a number from 1 to 65535', 'DX_ALLOWED_HOSTS: bad host is neither a host name, an address nor a CIDR range']);
});
