import t from 'tap';
import { loadConfig } from '../../gateway/config.ts';
import { bearer, buildTestApp } from '../helpers/app.ts';

const BAD_KEY = `dx_${'0'.repeat(40)}`;
const LIMITS = { DX_AUTH_FAILURES_PER_MINUTE: '2', DX_RATE_LIMIT_PER_MINUTE: '1000', DX_AUTH_CACHE_MS: '0' };
const PROXY = '10.1.0.7';

t.test('without DX_TRUST_PROXY a spoofed X-Forwarded-For is ignored: bad keys count against the real peer address', async (t) => {
  const { app } = await buildTestApp(t, { env: LIMITS });
  const answers: number[] = [];
  for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
    answers.push((await app.inject({ url: '/api/v1/me', headers: { ...bearer(BAD_KEY), 'x-forwarded-for': spoofed }, remoteAddress: PROXY })).statusCode);
  }
  t.same(answers, [401, 401, 429], 'a new forwarded address each time does not reset the budget');
});

t.test('with DX_TRUST_PROXY, X-Forwarded-For from a listed proxy names the client; from another peer it is ignored', async (t) => {
  const { app, adminKey } = await buildTestApp(t, { env: { ...LIMITS, DX_TRUST_PROXY: '10.1.0.0/24, 192.0.2.9' } });
  const via = (remoteAddress: string, client: string, key = BAD_KEY) =>
    app.inject({ url: '/api/v1/me', headers: { ...bearer(key), 'x-forwarded-for': client }, remoteAddress }).then((answer) => answer.statusCode);
  t.same([await via(PROXY, '198.51.100.1'), await via(PROXY, '198.51.100.1'), await via(PROXY, '198.51.100.1')], [401, 401, 429], 'one forwarded client uses up its own budget');
  t.equal(await via(PROXY, '198.51.100.2'), 401, 'another client behind the same proxy keeps its budget');
  t.equal(await via('192.0.2.9', '198.51.100.1'), 429, 'the same client through the other listed proxy is the same address');
  t.equal(await via(PROXY, '198.51.100.2', adminKey), 200, 'a good key from a client with budget left is answered');
  const untrusted = '172.16.5.5';
  t.same([await via(untrusted, '198.51.100.3'), await via(untrusted, '198.51.100.4'), await via(untrusted, '198.51.100.5')], [401, 401, 429], 'an unlisted peer cannot choose its address');
});

t.test('DX_TRUST_PROXY refuses an entry that is neither an address nor a CIDR range, naming it', async (t) => {
  t.throws(() => loadConfig({ DX_TRUST_PROXY: '10.0.0.1,proxy.internal' }), /DX_TRUST_PROXY: "proxy.internal" is not an IP address or a CIDR range/);
  t.throws(() => loadConfig({ DX_TRUST_PROXY: '10.0.0.0/33' }), /DX_TRUST_PROXY: "10.0.0.0\/33"/);
  t.equal(loadConfig({ DX_TRUST_PROXY: '10.0.0.1, fd00::/8' }).DX_TRUST_PROXY, '10.0.0.1, fd00::/8');
});
