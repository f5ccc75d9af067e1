import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import { StringEnum } from '../../string-enum.ts';
import { PRINCIPAL_KINDS } from '../../auth/principal.ts';
import { AUTHENTICATED_ERRORS, ErrorBody, Pagination } from '../schemas.ts';
import { ApiKeyBody, CreatePrincipalBody, IssuedKeyBody, IssueKeyBody, KeyParams, PrincipalBody, PrincipalParams } from './schemas.ts';

const tags = ['principals'];

const principalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = app.principals;
  const service = app.services.principals;

  async function existing(id: string) {
    const principal = await store.get(id);
    if (!principal) throw dxError('DX_ERR_PRINCIPAL_NOT_FOUND');
    return principal;
  }

  app.get('/api/v1/me', {
    config: { action: 'self:read' },
    schema: { tags, summary: 'The principal of the calling key', response: { 200: PrincipalBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => request.principal ?? undefined);

  app.post('/api/v1/principals', {
    config: { action: 'principals:create' },
    schema: { tags, summary: 'Create a principal', body: CreatePrincipalBody, response: { 201: PrincipalBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const { kind, departmentCode } = request.body;
    if (kind === 'department' && departmentCode === undefined) {
      throw dxError('DX_ERR_REQUEST_INVALID', { message: 'departmentCode is required for a department', details: [{ path: 'departmentCode', message: 'is required for a department' }] });
    }
    if (kind !== 'department' && departmentCode !== undefined) {
      throw dxError('DX_ERR_REQUEST_INVALID', { message: `departmentCode is only for departments, not ${kind}`, details: [{ path: 'departmentCode', message: 'is only for departments' }] });
    }
    const principal = await service.create(request.body, request.principal);
    request.log.info({ created: principal.id, kind }, 'principal created');
    return reply.status(201).send(principal);
  });

  app.get('/api/v1/principals', {
    config: { action: 'principals:list' },
    schema: {
      tags,
      summary: 'List principals',
      querystring: Type.Composite([Pagination, Type.Object({ kind: Type.Optional(StringEnum(PRINCIPAL_KINDS)) })], { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(PrincipalBody), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const { limit, offset, kind } = request.query;
    return { ...(await store.list({ kind, limit, offset })), limit, offset };
  });

  app.get('/api/v1/principals/:id', {
    config: { action: 'principals:read' },
    schema: { tags, summary: 'Get a principal', params: PrincipalParams, response: { 200: PrincipalBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => existing(request.params.id));

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/api/v1/principals/:id/${verb}`, {
      config: { action: 'principals:disable' },
      schema: { tags, summary: `${verb === 'disable' ? 'Disable' : 'Re-enable'} a principal; a disabled principal's keys stop working`, params: PrincipalParams, response: { 200: PrincipalBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS } },
    }, async (request) => {
      if (disabled && request.params.id === request.principal?.id) throw dxError('DX_ERR_PRINCIPAL_SELF');
      const principal = await service.setDisabled(request.params.id, disabled, request.principal);
      if (!principal) throw dxError('DX_ERR_PRINCIPAL_NOT_FOUND');
      request.log.info({ target: principal.id, disabled }, 'principal state changed');
      return principal;
    });
  }

  app.post('/api/v1/principals/:id/keys', {
    config: { action: 'keys:issue' },
    schema: { tags, summary: 'Issue an API key; the key is shown only in this answer', params: PrincipalParams, body: IssueKeyBody, response: { 201: IssuedKeyBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const body = request.body ?? {};
    if (body.expiresAt !== undefined && Date.parse(body.expiresAt) <= Date.now()) {
      throw dxError('DX_ERR_REQUEST_INVALID', { message: 'expiresAt must be in the future', details: [{ path: 'expiresAt', message: 'must be in the future' }] });
    }
    await existing(request.params.id);
    const { key, record } = await service.issueKey(request.params.id, body, request.principal);
    request.log.info({ target: record.principalId, keyId: record.id }, 'api key issued');
    return reply.status(201).header('cache-control', 'no-store').send({ ...record, key });
  });

  app.get('/api/v1/principals/:id/keys', {
    config: { action: 'keys:list' },
    schema: { tags, summary: "List a principal's keys (never the keys themselves)", params: PrincipalParams, response: { 200: Type.Object({ items: Type.Array(ApiKeyBody) }), ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    await existing(request.params.id);
    return { items: await store.listKeys(request.params.id) };
  });

  app.delete('/api/v1/principals/:id/keys/:keyId', {
    config: { action: 'keys:revoke' },
    schema: { tags, summary: 'Revoke an API key at once', params: KeyParams, response: { 200: ApiKeyBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => {
    const record = await service.revokeKey(request.params.id, request.params.keyId, request.principal);
    if (!record) throw dxError('DX_ERR_KEY_NOT_FOUND');
    request.log.info({ target: record.principalId, keyId: record.id }, 'api key revoked');
    return record;
  });
};

export default principalRoutes;
