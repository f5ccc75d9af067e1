import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.ts';
import type { Dispute } from '../../disputes/model.ts';
import { dxError } from '../../errors.ts';
import { dateInShanghai } from '../../subscriptions/working-days.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import disputeNotices from './notices.ts';
import { present } from './present.ts';
import { ConfirmBody, DisputeBody, DisputeListQuery, DisputePage, DisputeParams, RaiseBody, RejectBody } from './schemas.ts';

const tags = ['disputes'];

/** Disputes (数据异议): raised by subscribers and the office, answered by the provider department. */
const disputeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, service } = app.disputes;
  const { clock } = app.subscriptions;

  /** The dispute if the caller is a party to it under the route's action; 404 otherwise. */
  async function partyDispute(request: FastifyRequest, id: string): Promise<Dispute> {
    const dispute = await store.get(id);
    if (!dispute) throw dxError('DX_ERR_DISPUTE_NOT_FOUND');
    request.authorize({ principalId: dispute.raisedBy, departmentCode: dispute.providerCode }, 'DX_ERR_DISPUTE_NOT_FOUND');
    return dispute;
  }

  app.post('/api/v1/disputes', {
    config: { action: 'disputes:raise' },
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags,
      summary: 'Raise a dispute on one record of a resource (an integrator with an active subscription to it, or the data office); the provider must answer within DX_DISPUTE_ANSWER_WORKING_DAYS working days',
      body: RaiseBody,
      response: { 201: DisputeBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request, reply) => {
    const dispute = await service.raise(request.principal as Principal, request.body);
    request.log.info({ dispute: dispute.id, resource: dispute.resourceId }, 'dispute raised');
    return reply.status(201).send(present(dispute, clock()));
  });

  app.get('/api/v1/disputes', {
    config: { action: 'disputes:list' },
    schema: {
      tags,
      summary: 'List disputes: an integrator those it raised, a department those on its resources, the data office all (overdue=true: past their answer date); newest first',
      querystring: DisputeListQuery,
      response: { 200: DisputePage, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const principal = request.principal as Principal;
    const { limit, offset, status, resourceId, overdue } = request.query;
    const now = clock();
    const page = await store.list({
      raisedBy: principal.kind === 'integrator' ? principal.id : undefined,
      providerCode: principal.kind === 'department' ? (principal.departmentCode as string) : undefined,
      resourceId,
      status,
      overdueOn: overdue ? dateInShanghai(now) : undefined,
      limit,
      offset,
    });
    return { items: page.items.map((item) => present(item, now)), total: page.total, limit, offset };
  });

  app.get('/api/v1/disputes/:id', {
    config: { action: 'disputes:read' },
    schema: { tags, summary: 'A dispute with its answer, deadline and correction', params: DisputeParams, response: { 200: DisputeBody, ...AUTHENTICATED_ERRORS } },
  }, async (request) => present(await partyDispute(request, request.params.id), clock()));

  app.get('/api/v1/disputes/:id/attachment', {
    config: { action: 'disputes:read' },
    schema: { tags, summary: "The dispute's attachment, as uploaded", params: DisputeParams, response: { 200: Type.Unknown({ description: 'the file' }), ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const dispute = await partyDispute(request, request.params.id);
    const data = dispute.attachment ? await store.attachment(dispute) : undefined;
    if (!dispute.attachment || !data) throw dxError('DX_ERR_DISPUTE_NOT_FOUND', { message: 'The dispute has no attachment' });
    await app.audit.record({ principal: request.principal, action: 'dispute.attachment.read', object: { type: 'dispute', id: dispute.id }, details: { bytes: data.length } });
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(dispute.attachment.name)}`)
      .header('x-content-type-options', 'nosniff')
      .send(data);
  });

  app.post('/api/v1/disputes/:id/confirm', {
    config: { action: 'disputes:answer' },
    preValidation: async (request) => {
      request.body ??= {};
    },
    schema: {
      tags,
      summary: "Confirm a dispute (the provider department, or the data office): the record is corrected at its source; the dispute links to the record's new version when it arrives on the topic",
      params: DisputeParams,
      body: ConfirmBody,
      response: { 200: DisputeBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const dispute = await partyDispute(request, request.params.id);
    const answered = await service.answer(request.principal as Principal, dispute, { status: 'confirmed', reason: request.body.note ?? null });
    request.log.info({ dispute: answered.id }, 'dispute confirmed');
    return present(answered, clock());
  });

  app.post('/api/v1/disputes/:id/reject', {
    config: { action: 'disputes:answer' },
    schema: {
      tags,
      summary: 'Reject a dispute with the reason (the provider department, or the data office)',
      params: DisputeParams,
      body: RejectBody,
      response: { 200: DisputeBody, 409: ErrorBody, ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const dispute = await partyDispute(request, request.params.id);
    const answered = await service.answer(request.principal as Principal, dispute, { status: 'rejected', reason: request.body.reason });
    request.log.info({ dispute: answered.id }, 'dispute rejected');
    return present(answered, clock());
  });

  await app.register(disputeNotices);
};

export default disputeRoutes;
