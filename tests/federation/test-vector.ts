import { createPrivateKey } from 'node:crypto';

/** The key and call of the signature test vector in docs/federation.md. The seed is 32 bytes 0x00..0x1f. */
export const VECTOR_SEED_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
export const vectorPrivateKey = () =>
  createPrivateKey({ key: Buffer.from(`302e020100300506032b657004220420${VECTOR_SEED_HEX}`, 'hex'), format: 'der', type: 'pkcs8' });
export const VECTOR_CALL = {
  method: 'POST',
  url: 'https://dx.city.example/federation/v1/requests',
  body: '{"resourceCode":"330102-001","fields":["name"]}',
  instanceId: '330110',
  integrator: 'mobility-app',
  created: new Date('2026-12-01T08:00:00Z'),
  nonce: 'bm9uY2Utb2YtdGVzdA',
};
