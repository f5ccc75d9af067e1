import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { createSigner, createVerifier, httpbis, type SignatureParameters } from 'http-message-signatures';

/** The signature label and tag of federated calls (RFC 9421 §4.1, §2.3). */
export const SIGNATURE_LABEL = 'dx';
export const SIGNATURE_TAG = 'dx-federation';
/** Header naming the calling instance (equal to the signature's keyid) and, when it acts for one, its integrator. */
export const INSTANCE_HEADER = 'dx-instance';
export const INTEGRATOR_HEADER = 'dx-integrator';
/** How long a signature is valid after its `created` time, in seconds; older ones are refused as replays. */
export const SIGNATURE_MAX_AGE_S = 300;
const CLOCK_TOLERANCE_S = 30;

const COVERED = ['@method', '@authority', '@path', '@query', 'content-digest', INSTANCE_HEADER];
const PARAMS = ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag'];

export interface OutgoingCall {
  method: string;
  url: string;
  /** The exact bytes sent as the body ('' for none). */
  body: string;
  /** The instance id of the caller; it is the keyid. */
  instanceId: string;
  /** The id of the local integrator the call acts for, when it acts for one (header values are ASCII). */
  integrator?: string | undefined;
  /** Fixed values for the test vector; default now, now + max age and a random nonce. */
  created?: Date;
  nonce?: string;
}

/** RFC 9530 Content-Digest of a body, SHA-256. */
export function contentDigest(body: string | Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** The headers to send with a call signed by `privateKey`: content-digest, dx-instance, dx-integrator, signature-input, signature. */
export async function signCall(call: OutgoingCall, privateKey: KeyObject): Promise<Record<string, string>> {
  const created = call.created ?? new Date();
  const headers: Record<string, string> = { 'content-digest': contentDigest(call.body), [INSTANCE_HEADER]: call.instanceId };
  if (call.integrator !== undefined) headers[INTEGRATOR_HEADER] = call.integrator;
  const signed = await httpbis.signMessage(
    {
      key: createSigner(privateKey, 'ed25519', call.instanceId),
      name: SIGNATURE_LABEL,
      fields: call.integrator === undefined ? COVERED : [...COVERED, INTEGRATOR_HEADER],
      params: PARAMS,
      paramValues: {
        created,
        expires: new Date(created.getTime() + SIGNATURE_MAX_AGE_S * 1000),
        nonce: call.nonce ?? randomBytes(16).toString('base64url'),
        tag: SIGNATURE_TAG,
      },
    },
    { method: call.method, url: call.url, headers },
  );
  return signed.headers as Record<string, string>;
}

export interface IncomingCall {
  method: string;
  /** The absolute URL the caller addressed (scheme, authority, path and query). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export interface VerifiedCall {
  keyid: string;
  nonce: string;
  created: Date;
  integrator: string | undefined;
}

/** Why a call was refused; the message goes to the caller, so it names what is wrong and nothing secret. */
export class SignatureRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureRefused';
  }
}

/**
 * Verifies a federated call: one signature labelled `dx`, Ed25519 by the key registered for its keyid, covering
 * the method, authority, path, query, content digest and dx-instance (and dx-integrator when sent), created at most
 * SIGNATURE_MAX_AGE_S ago, with a nonce; the digest must match the body. Replay of a nonce is the caller's check
 * (see the nonce store). Throws SignatureRefused.
 */
export async function verifyCall(call: IncomingCall, publicKeyOf: (keyid: string) => Promise<KeyObject | undefined>, now: Date = new Date()): Promise<VerifiedCall> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(call.headers)) if (value !== undefined) headers[name.toLowerCase()] = value;
  if (headers['signature'] === undefined || headers['signature-input'] === undefined) throw new SignatureRefused('the call is not signed: Signature and Signature-Input are required');
  const digest = headers['content-digest'];
  if (typeof digest !== 'string' || digest !== contentDigest(call.rawBody)) throw new SignatureRefused('content-digest does not match the body');
  const integrator = headers[INTEGRATOR_HEADER];
  if (Array.isArray(integrator) || Array.isArray(headers[INSTANCE_HEADER])) throw new SignatureRefused(`${INSTANCE_HEADER} and ${INTEGRATOR_HEADER} are sent once`);
  const seen: SignatureParameters[] = [];
  let unknownKey = false;
  let valid: boolean | null;
  try {
    valid = await httpbis.verifyMessage(
      {
        async keyLookup(params) {
          seen.push(params);
          const key = typeof params.keyid === 'string' ? await publicKeyOf(params.keyid) : undefined;
          if (!key) {
            unknownKey = true;
            return null;
          }
          return { id: params.keyid as string, algs: ['ed25519'], verify: createVerifier(key, 'ed25519') };
        },
        notAfter: Math.floor(now.getTime() / 1000) + CLOCK_TOLERANCE_S,
        maxAge: SIGNATURE_MAX_AGE_S,
        tolerance: CLOCK_TOLERANCE_S,
        requiredParams: PARAMS,
        requiredFields: integrator === undefined ? COVERED : [...COVERED, INTEGRATOR_HEADER],
      },
      { method: call.method, url: call.url, headers },
    );
  } catch (err) {
    throw new SignatureRefused(`the signature is not acceptable: ${(err as Error).message}`);
  }
  if (seen.length !== 1) throw new SignatureRefused(`exactly one signature is expected, labelled ${SIGNATURE_LABEL}`);
  const params = seen[0] as SignatureParameters;
  if (unknownKey) throw new SignatureRefused(`keyid ${String(params.keyid)} is not a registered peer`);
  if (valid !== true) throw new SignatureRefused('the signature does not verify with the key registered for its keyid');
  if (params.tag !== SIGNATURE_TAG) throw new SignatureRefused(`the signature's tag must be ${SIGNATURE_TAG}`);
  if (headers[INSTANCE_HEADER] !== params.keyid) throw new SignatureRefused(`${INSTANCE_HEADER} must equal the signature's keyid`);
  return { keyid: params.keyid as string, nonce: String(params.nonce), created: params.created as Date, integrator: integrator as string | undefined };
}
