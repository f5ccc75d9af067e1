import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { loadInstanceKey, rawPublicKey } from '../../gateway/federation/instance-key.ts';
import { contentDigest, signCall } from '../../gateway/federation/signature.ts';
import { bearer } from '../helpers/app.ts';
import { peerUp, registerPeer, startGateway, type TestGateway } from '../helpers/federation.ts';
import { VECTOR_CALL, vectorPrivateKey } from './test-vector.ts';

async function send(gateway: TestGateway, headers: Record<string, string>, body: string, path = '/federation/v1/handshake') {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string; instanceId?: string } };
}

const city = await startGateway(t, '330100', '杭州市平台');
const county = await startGateway(t, '330110', '余杭区平台');
await peerUp(city, county);
/** The city's private key, as the gateway keeps it: the tests sign with it as the city would. */
const cityPrivateKey = (await loadInstanceKey(city.app.db, city.app.secretBox)).privateKey;
const body = JSON.stringify({ instanceId: '330100', name: '杭州市平台' });
const signed = (key: KeyObject, overrides: { instanceId?: string; created?: Date; body?: string } = {}) =>
  signCall({ method: 'POST', url: `${county.url}/federation/v1/handshake`, body: overrides.body ?? body, instanceId: overrides.instanceId ?? '330100', ...(overrides.created ? { created: overrides.created } : {}) }, key);

t.test('a call signed with the registered key is answered', async (t) => {
  const answer = await send(county, await signed(cityPrivateKey), body);
  t.equal(answer.status, 200);
  t.equal(answer.body.instanceId, '330110');
});

t.test('a call signed by an unregistered key is refused', async (t) => {
  const stranger = generateKeyPairSync('ed25519').privateKey;
  const answer = await send(county, await signed(stranger, { instanceId: '330199' }), body);
  t.equal(answer.status, 401);
  t.match(answer.body, { code: 'DX_ERR_FEDERATION_SIGNATURE', message: /330199 is not a registered peer/ });
});

t.test("a call naming a registered peer but signed with another key is refused", async (t) => {
  const wrong = generateKeyPairSync('ed25519').privateKey;
  const answer = await send(county, await signed(wrong), body);
  t.equal(answer.status, 401);
  t.match(answer.body.message, /does not verify/);
});

t.test('a call whose body was changed after signing is refused', async (t) => {
  const answer = await send(county, await signed(cityPrivateKey), body.replace('杭州', '宁波'));
  t.equal(answer.status, 401);
  t.match(answer.body.message, /content-digest/);
});

t.test('a call whose signed digest header was recomputed for a changed body is refused', async (t) => {
  const tampered = body.replace('杭州', '宁波');
  const headers = await signed(cityPrivateKey);
  const answer = await send(county, { ...headers, 'content-digest': contentDigest(tampered) }, tampered);
  t.equal(answer.status, 401);
  t.match(answer.body.message, /does not verify/);
});

t.test('a signature sent a second time is refused as a replay', async (t) => {
  const headers = await signed(cityPrivateKey);
  t.equal((await send(county, headers, body)).status, 200);
  const again = await send(county, headers, body);
  t.equal(again.status, 401);
  t.match(again.body.message, /replay/);
});

t.test('a signature older than its validity window is refused', async (t) => {
  const answer = await send(county, await signed(cityPrivateKey, { created: new Date(Date.now() - 10 * 60_000) }), body);
  t.equal(answer.status, 401);
  t.match(answer.body.message, /too old|expired/);
});

t.test('an unsigned call is refused', async (t) => {
  const answer = await send(county, {}, body);
  t.equal(answer.status, 401);
  t.match(answer.body.message, /not signed/);
});

t.test('a registered peer that has not been confirmed may only call the handshake', async (t) => {
  const province = await startGateway(t, '330000', '浙江省平台');
  await registerPeer(county, province);
  const provinceKey = (await loadInstanceKey(province.app.db, province.app.secretBox)).privateKey;
  const path = '/federation/v1/catalog.jsonld';
  const headers = await signCall({ method: 'GET', url: `${county.url}${path}`, body: '', instanceId: '330000' }, provinceKey);
  const response = await fetch(`${county.url}${path}`, { headers });
  t.equal(response.status, 409);
  t.equal(((await response.json()) as { code: string }).code, 'DX_ERR_PEER_NOT_CONFIRMED');
});

t.test('the test vector of docs/federation.md is what the signing code produces', async (t) => {
  const doc = readFileSync(new URL('../../docs/federation.md', import.meta.url), 'utf8');
  const headers = await signCall(VECTOR_CALL, vectorPrivateKey());
  for (const [name, value] of Object.entries(headers)) {
    t.ok(doc.includes(`${name}: ${value}`), `docs/federation.md shows ${name}: ${value}`);
  }
  t.ok(doc.includes(rawPublicKey(createPublicKey(vectorPrivateKey()))), 'the public key of the vector is shown');
});

t.test('an audit verify on the called gateway covers the handshake', async (t) => {
  const verify = await county.app.inject({ url: '/api/v1/audit/verify', headers: bearer(county.adminKey) });
  t.equal(verify.statusCode, 200);
  t.equal(verify.json().ok, true);
  const entries = (await county.app.inject({ url: '/api/v1/audit?action=federation.peer.confirm', headers: bearer(county.adminKey) })).json();
  t.equal(entries.items.length, 1);
});
