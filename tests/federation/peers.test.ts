import t from 'tap';
import pg from 'pg';
import { bearer, buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { peerUp, registerPeer, startGateway } from '../helpers/federation.ts';

t.test('the instance key pair is made on the first start, kept across restarts, and its private key is sealed at rest', async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  t.match(city.instance, { instanceId: '330100', name: '杭州市平台', publicKey: /^[A-Za-z0-9_-]{43}$/ });
  t.ok(city.logs.some((line) => line.includes('federation instance key') && line.includes(city.instance.publicKey)), 'the public key is in the start-up log');
  const again = await buildTestApp(t, { instanceOf: city, env: { DX_INSTANCE_ID: '330100' } });
  t.equal((await again.app.inject({ url: '/api/v1/peers/self', headers: bearer(city.adminKey) })).json().publicKey, city.instance.publicKey);
  const client = new pg.Client({ connectionString: city.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query<{ private_key_sealed: string }>('SELECT private_key_sealed FROM federation_instance');
  t.match(rows[0]?.private_key_sealed, /^dx1:/);
  t.notMatch(rows[0]?.private_key_sealed, /PRIVATE KEY/);
});

t.test('registering a peer checks its key and id, refuses duplicates, and is for the data office only', async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  const base = { instanceId: '330110', name: '余杭区平台', baseUrl: 'http://127.0.0.1:1', publicKey: 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg' };
  const badKey = await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: { ...base, publicKey: `${'x'.repeat(42)}!` } });
  t.equal(badKey.statusCode, 400);
  t.match(badKey.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'publicKey' }] });
  const badId = await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: { ...base, instanceId: 'county' } });
  t.equal(badId.statusCode, 400);
  t.match(badId.body, /instanceId/);
  const own = await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: { ...base, publicKey: city.instance.publicKey } });
  t.match(own.json(), { details: [{ path: 'publicKey', message: 'is the key of this gateway' }] });
  t.equal((await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: base })).statusCode, 201);
  t.equal((await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: base })).json().code, 'DX_ERR_PEER_EXISTS');
  const department = await createDepartment(city.app, city.adminKey, 'GAJ', '市公安局');
  t.equal((await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(department.key), payload: { ...base, instanceId: '330111' } })).statusCode, 403);
});

t.test('federation is off until both sides registered each other and a signed handshake succeeded', async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  const county = await startGateway(t, '330110', '余杭区平台');
  const countyAtCity = await registerPeer(city, county);
  const early = await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/handshake`, headers: bearer(city.adminKey) });
  t.equal(early.statusCode, 409, 'the county has not registered the city yet');
  t.match(early.json(), { code: 'DX_ERR_PEER_NOT_CONFIRMED', message: /401/ });
  const harvestEarly = await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/harvest`, headers: bearer(city.adminKey) });
  t.equal(harvestEarly.json().code, 'DX_ERR_PEER_NOT_CONFIRMED');

  const cityAtCounty = await registerPeer(county, city);
  const handshake = await city.app.inject({ method: 'POST', url: `/api/v1/peers/${countyAtCity}/handshake`, headers: bearer(city.adminKey) });
  t.equal(handshake.statusCode, 200);
  t.equal(handshake.json().confirmed, true);
  const atCounty = (await county.app.inject({ url: `/api/v1/peers/${cityAtCounty}`, headers: bearer(county.adminKey) })).json();
  t.equal(atCounty.confirmed, true, 'the called side is confirmed too');
  const audit = (await county.app.inject({ url: '/api/v1/audit?action=federation.peer.confirm', headers: bearer(county.adminKey) })).json();
  t.equal(audit.items.length, 1);
});

t.test('a peer with another key at the registered address fails the handshake', async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  const county = await startGateway(t, '330110', '余杭区平台');
  const impostor = await startGateway(t, '330110', '冒充平台');
  await registerPeer(county, city);
  await registerPeer(impostor, city);
  const wrong = await city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: { ...county.instance, baseUrl: impostor.url } });
  const handshake = await city.app.inject({ method: 'POST', url: `/api/v1/peers/${wrong.json().id}/handshake`, headers: bearer(city.adminKey) });
  t.equal(handshake.statusCode, 400);
  t.equal(handshake.json().code, 'DX_ERR_PEER_REFUSED');
});

t.test('both peered gateways list each other', async (t) => {
  const city = await startGateway(t, '330100', '杭州市平台');
  const county = await startGateway(t, '330110', '余杭区平台');
  await peerUp(city, county);
  const list = (await city.app.inject({ url: '/api/v1/peers', headers: bearer(city.adminKey) })).json();
  t.match(list.items, [{ instanceId: '330110', confirmed: true }]);
});
