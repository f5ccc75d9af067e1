import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { bearer } from '../helpers/app.ts';
import { registerPeer, startGateway } from '../helpers/federation.ts';

/** What the county's name resolves to at the city: flipped by the rebinding test. */
let countyAddress = '127.0.0.1';
const city = await startGateway(t, '330100', '杭州市平台', { hostResolver: async (host) => (host === 'county.peer.test' ? [countyAddress] : []) });
const county = await startGateway(t, '330110', '余杭区平台');
const countyPort = new URL(county.url).port;
await registerPeer(county, city);

async function listen(t: Test, handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const register = (baseUrl: string, peer = county) =>
  city.app.inject({ method: 'POST', url: '/api/v1/peers', headers: bearer(city.adminKey), payload: { ...peer.instance, baseUrl } });
const handshake = (peerId: string) => city.app.inject({ method: 'POST', url: `/api/v1/peers/${peerId}/handshake`, headers: bearer(city.adminKey) });
const harvest = (peerId: string) => city.app.inject({ method: 'POST', url: `/api/v1/peers/${peerId}/harvest`, headers: bearer(city.adminKey) });

t.test('an office cannot register a peer at the metadata address, or at a host off the allow-list', async (t) => {
  for (const baseUrl of ['http://169.254.169.254/latest/meta-data', 'http://10.20.30.40:8080', 'http://county.elsewhere.test']) {
    const response = await register(baseUrl);
    t.equal(response.statusCode, 400, baseUrl);
    t.match(response.json(), { code: 'DX_ERR_REQUEST_INVALID', details: [{ path: 'baseUrl' }] }, baseUrl);
  }
  const peers = (await city.app.inject({ url: '/api/v1/peers', headers: bearer(city.adminKey) })).json();
  t.same(peers.items, [], 'nothing was registered');
});

t.test('a peer whose name comes to resolve to the metadata address is refused at the next call (DNS rebinding)', async (t) => {
  countyAddress = '127.0.0.1';
  t.teardown(() => void (countyAddress = '127.0.0.1'));
  const created = await register(`http://county.peer.test:${countyPort}`);
  t.equal(created.statusCode, 201, created.body);
  const peerId = created.json().id as string;
  t.equal((await handshake(peerId)).statusCode, 200, 'the call goes to the address the guard vetted, not to a second lookup');

  countyAddress = '169.254.169.254';
  for (const response of [await harvest(peerId), await handshake(peerId)]) {
    t.equal(response.statusCode, 400);
    t.match(response.json(), { code: 'DX_ERR_HOST_REFUSED', details: [{ path: 'baseUrl' }] });
  }
});

t.test('a peer answering a redirect is not followed, at the handshake or the harvest', async (t) => {
  const town = await startGateway(t, '330111', '临平区平台');
  await registerPeer(town, city);
  const target = await listen(t, (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  // Passes the town's calls through, but redirects the catalogue once federation is on.
  let redirectCatalogue = false;
  const proxy = await listen(t, (request, response) => {
    if (request.url?.startsWith('/federation/v1/handshake') && !redirectCatalogue) {
      const upstream = forward({ host: '127.0.0.1', port: new URL(town.url).port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
      return;
    }
    response.writeHead(307, { location: `${target.url}${request.url}` }).end();
  });
  const created = await register(proxy.url, town);
  t.equal(created.statusCode, 201, created.body);
  const peerId = created.json().id as string;
  t.equal((await handshake(peerId)).statusCode, 200, 'the handshake passes through');

  redirectCatalogue = true;
  const harvested = await harvest(peerId);
  t.equal(harvested.statusCode, 400);
  t.match(harvested.json(), { code: 'DX_ERR_PEER_REFUSED', message: /redirect/, details: [{ path: 'baseUrl' }] });
  const again = await handshake(peerId);
  t.match(again.json(), { code: 'DX_ERR_PEER_REFUSED', message: /redirect/ });
  t.same(target.hits, [], 'the redirect target was never called');
});
