import { Type } from '@sinclair/typebox';
import { ErrorBody, Uuid } from '../schemas.ts';

export const tags = ['federation'];

/** Error answers of the signed /federation/v1 routes. */
export const SIGNED_ERRORS = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody };

export const InstanceId = Type.String({ pattern: '^[0-9]{6}(-[A-Za-z0-9]{1,20})?$', description: 'Instance id: the administrative division code (330110), optionally with a suffix' });
const PublicKey = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'Ed25519 public key, the raw 32 bytes in base64url (as JWK "x")' });

export const InstanceBody = Type.Object({ instanceId: Type.String(), name: Type.String(), publicKey: PublicKey });

export const CreatePeerBody = Type.Object(
  {
    instanceId: InstanceId,
    name: Type.String({ minLength: 1, maxLength: 200, description: 'The peer gateway\'s name, shown as the origin (来源平台) of what is harvested from it' }),
    baseUrl: Type.String({ format: 'uri', pattern: '^https?://[^/?#]+(/[^?#]*)?$', maxLength: 500, description: 'Base URL of the peer gateway; its federation routes are under <baseUrl>/federation/v1' }),
    publicKey: PublicKey,
  },
  { additionalProperties: false },
);

export const PeerBody = Type.Object({
  id: Uuid,
  instanceId: Type.String(),
  name: Type.String(),
  baseUrl: Type.String(),
  publicKey: Type.String(),
  principalId: Uuid,
  confirmed: Type.Boolean({ description: 'Whether a signed handshake succeeded: federation with the peer is on' }),
  confirmedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  harvestedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastHarvestAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastHarvestError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const PeerParams = Type.Object({ id: Uuid });
export const ShareParams = Type.Object({ id: Uuid, resourceId: Uuid });

export const HarvestBody = Type.Object({ pages: Type.Integer(), upserted: Type.Integer(), deleted: Type.Integer(), until: Type.Union([Type.String(), Type.Null()]) });
export const HarvestQuery = Type.Object({ full: Type.Boolean({ default: false, description: 'Harvest everything again, not only what changed since the last harvest' }) }, { additionalProperties: false });

export const SharedPageQuery = Type.Object(
  {
    modifiedSince: Type.Optional(Type.String({ format: 'date-time', description: 'Only datasets modified or shared at or after this time' })),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
