import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../string-enum.ts';

export const AUDIT_PAGE_MAX = 500;

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'HMAC-SHA256 under DX_AUDIT_KEY (chain version 2) or SHA-256 (version 1), lowercase hex' });

export const AuditEntryBody = Type.Object({
  sequence: Type.Integer({ description: 'Position in the chain, from 1, without gaps' }),
  recordedAt: Type.String({ format: 'date-time' }),
  principalId: Type.Union([Type.String(), Type.Null()]),
  principalKind: Type.String({ description: 'department, integrator, office, or system for the gateway itself' }),
  action: Type.String(),
  objectType: Type.Union([Type.String(), Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  chainVersion: Type.Integer({ description: '2: keyed with DX_AUDIT_KEY; 1: written before the chain was keyed' }),
  prevHash: Hash,
  hash: Hash,
});

export const AuditQuery = Type.Object(
  {
    principal: Type.Optional(Type.String({ format: 'uuid', description: 'Entries of this principal' })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Action prefix: "connector." finds every connector action' })),
    objectType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    objectId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Recorded at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Recorded before' })),
    order: StringEnum(['desc', 'asc'] as const, { default: 'desc', description: 'desc: newest first' }),
    cursor: Type.Optional(Type.Integer({ minimum: 0, description: 'nextCursor of the previous page' })),
    limit: Type.Integer({ minimum: 1, maximum: AUDIT_PAGE_MAX, default: 100, description: `Page size (at most ${AUDIT_PAGE_MAX})` }),
  },
  { additionalProperties: false },
);

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntryBody),
  nextCursor: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' }),
});

export const VerifyBody = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: 'Entries found intact, from the first on' }),
  head: Type.Object({ sequence: Type.Integer(), hash: Hash }, { description: 'The chain head when verification started; keep it outside the database to detect a rewritten log later' }),
  firstBrokenAt: Type.Optional(Type.Object({ sequence: Type.Integer(), reason: Type.String() })),
});

export const ExportQuery = Type.Object(
  {
    after: Type.Integer({ minimum: 0, default: 0, description: 'Export the entries after this sequence (0: from the first); pass "next" of the previous export' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'At most this many entries (default: up to the chain head)' })),
  },
  { additionalProperties: false },
);
