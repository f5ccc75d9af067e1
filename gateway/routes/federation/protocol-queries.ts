import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { dxError } from '../../errors.ts';
import type { Peer } from '../../federation/peer-store.ts';
import type { Accounting } from '../../registers/usage.ts';
import { BatchLookupAnswer, BatchLookupBody, HolderAnswer, HolderBody, LookupAnswer, LookupBody, VerifyAnswer, VerifyBody } from '../registers/schemas.ts';
import { RemoteRequestParams, SIGNED_ERRORS, tags } from './schemas.ts';

const ERRORS = { 403: SIGNED_ERRORS[404], 429: SIGNED_ERRORS[404], ...SIGNED_ERRORS };

/**
 * The owner's side of register lookups across gateways (docs/federation.md): a peer queries a `query` request it
 * forwarded, for one of its integrators (dx-integrator), through the same query service as a local integrator
 * (projection and masking, the verifiable rule, the hourly limit, one audit entry per entity before the answer),
 * accounted to the peer's principal with the calling instance and integrator beside the operator.
 * Registered inside the signed context of protocol.ts.
 */
const federatedQueries: FastifyPluginAsyncTypebox = async (app) => {
  const { query } = app.registers;

  async function querier(request: FastifyRequest, id: string, accounting: Accounting) {
    const { peer, integrator } = request.peerCall as { peer: Peer; integrator: string | undefined };
    if (integrator === undefined) throw dxError('DX_ERR_REQUEST_INVALID', { message: 'dx-integrator is required: a lookup is made for an integrator', details: [{ path: 'dx-integrator', message: 'is required: a lookup is made for an integrator' }] });
    const subscription = await app.federation.incoming.subscriptionOf(peer, id);
    const principal = await app.principals.get(peer.principalId);
    if (!principal) throw dxError('DX_ERR_FEDERATION_REQUEST_NOT_FOUND');
    return { principal, subscriptionId: subscription.id, accounting: { ...accounting, onBehalfOf: { instance: peer.instanceId, integrator } } };
  }

  app.post('/federation/v1/requests/:id/lookup', {
    schema: { tags, summary: "A peer's integrator looks up one entity of a query request the peer forwarded, answered as a local lookup", params: RemoteRequestParams, body: LookupBody, response: { 200: LookupAnswer, ...ERRORS } },
  }, async (request) => {
    const { key, ...accounting } = request.body;
    const asked = await querier(request, request.params.id, accounting);
    return (await query.lookup(asked.principal, asked.subscriptionId, [key], asked.accounting))[0];
  });

  app.post('/federation/v1/requests/:id/lookup/batch', {
    schema: { tags, summary: "A peer's integrator looks up to 100 entities of a query request the peer forwarded", params: RemoteRequestParams, body: BatchLookupBody, response: { 200: BatchLookupAnswer, ...ERRORS } },
  }, async (request) => {
    const { keys, ...accounting } = request.body;
    const asked = await querier(request, request.params.id, accounting);
    return { items: await query.lookup(asked.principal, asked.subscriptionId, keys, asked.accounting) };
  });

  app.post('/federation/v1/requests/:id/verify', {
    schema: { tags, summary: "A peer's integrator verifies claimed values against the current record: match / mismatch / unknown per field", params: RemoteRequestParams, body: VerifyBody, response: { 200: VerifyAnswer, ...ERRORS } },
  }, async (request) => {
    const { key, claims, ...accounting } = request.body;
    const asked = await querier(request, request.params.id, accounting);
    return query.verify(asked.principal, asked.subscriptionId, key, claims, asked.accounting);
  });

  app.post('/federation/v1/requests/:id/licences', {
    schema: { tags, summary: "A peer's integrator asks the valid licences of one holder (e-licence registers)", params: RemoteRequestParams, body: HolderBody, response: { 200: HolderAnswer, ...ERRORS } },
  }, async (request) => {
    const { holderCodeType, holderCode, licenceTypeCode, ...accounting } = request.body;
    const asked = await querier(request, request.params.id, accounting);
    return query.holder(asked.principal, asked.subscriptionId, { codeType: holderCodeType, code: holderCode, licenceTypeCode }, asked.accounting);
  });
};

export default federatedQueries;
