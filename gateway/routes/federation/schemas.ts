import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../string-enum.ts';
import { ErrorBody, Uuid } from '../schemas.ts';
import { DeliveryRequest, DeliveryState } from '../subscriptions/schemas.ts';

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

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Field = Type.String({ minLength: 1, maxLength: 100 });
const RequestStatus = Type.Union(['pending', 'active', 'rejected', 'revoked', 'expired'].map((status) => Type.Literal(status)));

export const ForwardedRequestBody = Type.Object(
  {
    requestId: Uuid,
    datasetIri: Type.String({ minLength: 1, maxLength: 1000, description: 'The dataset IRI harvested from this gateway' }),
    purpose: Type.String({ minLength: 1, maxLength: 1000 }),
    legalBasis: Type.String({ minLength: 1, maxLength: 1000 }),
    fields: Type.Array(Field, { minItems: 1, maxItems: 1000, uniqueItems: true }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    mode: Type.Optional(StringEnum(['kafka', 'query'], { description: 'query: register lookups by signed calls to /federation/v1/requests/{id}/lookup…; kafka (the default): the projected topic' })),
  },
  { additionalProperties: false },
);

export const RequestStateBody = Type.Object({
  id: Uuid,
  requestId: Uuid,
  status: RequestStatus,
  requestedFields: Type.Array(Type.String()),
  approvedFields: Nullable(Type.Array(Type.String())),
  reason: Nullable(Type.String()),
  replyDue: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  topic: Nullable(Type.String({ description: "The owner's projected topic (dx.sub.<id>), once active" })),
  endOffset: Nullable(Type.Integer({ description: 'Records written to the projected topic so far (sum of end offsets), while active: the requester measures its mirror lag against it' })),
});

export const RemoteRequestParams = Type.Object({ id: Uuid });
export const RevokeRequestBody = Type.Object({ reason: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))) }, { additionalProperties: false });

export const CreateOutgoingBody = Type.Object(
  {
    harvestedId: Type.String({ format: 'uuid', description: 'A harvested resource (GET /api/v1/federation/resources)' }),
    purpose: Type.String({ minLength: 1, maxLength: 1000, description: 'What the data is for (用途)' }),
    legalBasis: Type.String({ minLength: 1, maxLength: 1000, description: 'The legal basis (依据)' }),
    fields: Type.Array(Field, { minItems: 1, maxItems: 1000, uniqueItems: true, description: 'Requestable fields of the resource' }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    delivery: Type.Optional({ ...DeliveryRequest, description: 'How this gateway delivers the mirrored records: kafka (the integrator reads the mirrored topic under ACLs; the default), http (pull pages), webhook, or query (register lookups answered by the owner: POST /api/v1/federation/requests/{id}/lookup, …)' }),
  },
  { additionalProperties: false },
);

export const OutgoingBody = Type.Object({
  id: Uuid,
  peer: Type.Object({ id: Uuid, instanceId: Type.String(), name: Type.String() }),
  remoteId: Nullable(Uuid),
  harvestedId: Nullable(Uuid),
  resourceCode: Type.String(),
  integratorId: Uuid,
  purpose: Type.String(),
  legalBasis: Type.String(),
  requestedFields: Type.Array(Type.String()),
  approvedFields: Nullable(Type.Array(Type.String())),
  status: Type.Union([Type.Literal('forwarding'), RequestStatus]),
  reason: Nullable(Type.String()),
  replyDue: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  topic: Nullable(Type.String()),
  mirroredTopic: Nullable(Type.String({ description: 'Where the approved records arrive in this cluster: <owner instance id>.<topic> (MirrorMaker 2)' })),
  delivery: DeliveryState,
  webhookSecret: Type.Optional(Type.String({ description: 'webhook: the signing secret, in the creation answer only' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
