import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from '../security/secret-box.ts';

const CONTEXT = 'federation:instance-private-key';

/** This gateway's Ed25519 key pair: the private key signs its federated calls, peers verify with the public key. */
export interface InstanceKey {
  privateKey: KeyObject;
  /** The raw 32-byte public key, base64url: what the operator hands to the peers' data offices. */
  publicKey: string;
}

/** The raw public key (base64url of 32 bytes) of an Ed25519 key object. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

/** The key object of a raw Ed25519 public key (base64url); throws when it is not one. */
export function publicKeyObject(raw: string): KeyObject {
  if (!/^[A-Za-z0-9_-]{43}$/.test(raw)) throw new Error('must be 32 bytes, base64url (43 characters)');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
}

/**
 * The instance's key pair, generated on the first start and kept in the database, the private key sealed by the
 * secret box. Instances starting together agree on one (insert if absent, then read); a key sealed with a previous
 * secret key is sealed again with the current one.
 */
export async function loadInstanceKey(db: Db, box: SecretBox): Promise<InstanceKey & { generated: boolean }> {
  const pair = generateKeyPairSync('ed25519');
  const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const inserted = await db.query(
    'INSERT INTO federation_instance (public_key, private_key_sealed) VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING',
    [rawPublicKey(pair.publicKey), box.seal(pem, CONTEXT)],
  );
  const { rows } = await db.query<{ public_key: string; private_key_sealed: string }>('SELECT public_key, private_key_sealed FROM federation_instance');
  const row = rows[0] as { public_key: string; private_key_sealed: string };
  const privatePem = box.open(row.private_key_sealed, CONTEXT);
  if (!box.isCurrent(row.private_key_sealed)) {
    await db.query('UPDATE federation_instance SET private_key_sealed = $1 WHERE private_key_sealed = $2', [box.seal(privatePem, CONTEXT), row.private_key_sealed]);
  }
  const privateKey = createPrivateKey(privatePem);
  if (rawPublicKey(createPublicKey(privateKey)) !== row.public_key) throw new Error('federation_instance: the public key does not match the private key');
  return { privateKey, publicKey: row.public_key, generated: (inserted.rowCount ?? 0) > 0 };
}
