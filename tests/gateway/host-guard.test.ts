import t from 'tap';
import { createHostGuard } from '../../gateway/security/host-guard.ts';

const dns: Record<string, string[]> = {
  'db.hukou.gov.internal': ['10.20.0.15'],
  'api.scjg.gov.internal': ['10.30.1.2'],
  'rebinding.example': ['169.254.169.254'],
  'split.gov.internal': ['10.20.0.16', '169.254.169.254'],
  'outside.example': ['203.0.113.9'],
};
const resolver = async (host: string) => {
  const addresses = dns[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses;
};

t.test('a name on the allow-list resolves to the address to connect to', async (t) => {
  const guard = createHostGuard(['*.gov.internal'], resolver);
  t.equal(await guard.resolve('db.hukou.gov.internal'), '10.20.0.15');
});

t.test('an address inside an allowed CIDR range passes, one outside is refused', async (t) => {
  const guard = createHostGuard(['10.20.0.0/16'], resolver);
  t.equal(await guard.resolve('db.hukou.gov.internal'), '10.20.0.15');
  await t.rejects(guard.resolve('api.scjg.gov.internal'), { code: 'DX_ERR_HOST_REFUSED', message: /10\.30\.1\.2 is not on the allow-list/ });
  await t.rejects(guard.resolve('outside.example'), { code: 'DX_ERR_HOST_REFUSED' });
});

t.test('link-local and metadata addresses are refused even when allowed by name or range', async (t) => {
  const guard = createHostGuard(['*.gov.internal', 'rebinding.example', '0.0.0.0/0', '::/0'], resolver);
  await t.rejects(guard.resolve('169.254.169.254'), { message: /link-local or metadata/ });
  await t.rejects(guard.resolve('100.100.100.200'), { message: /link-local or metadata/ }, 'Alibaba Cloud metadata');
  await t.rejects(guard.resolve('rebinding.example'), { message: /link-local or metadata/ }, 'a name resolving to a metadata address');
  await t.rejects(guard.resolve('split.gov.internal'), { message: /link-local or metadata/ }, 'any resolved address refused refuses the host');
  await t.rejects(guard.resolve('[::ffff:169.254.169.254]'), { message: /link-local or metadata/ }, 'IPv4-mapped IPv6');
  await t.rejects(guard.resolve('fe80::1'), { message: /link-local or metadata/ });
});

t.test('loopback is allowed by the default list and an unresolvable name is refused as retriable', async (t) => {
  const guard = createHostGuard(['127.0.0.0/8', '::1'], resolver);
  t.equal(await guard.resolve('127.0.0.1'), '127.0.0.1');
  t.equal(await guard.resolve('::1'), '::1');
  await t.rejects(guard.resolve('nowhere.example'), { code: 'DX_ERR_HOST_REFUSED', retriable: true });
});
