import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { DxError } from '../../errors.ts';
import type { Principal } from '../../auth/principal.ts';
import { createFederatedLookups, type FederatedQueryPath } from '../../federation/federated-lookups.ts';
import { checkKeys } from '../../registers/keys.ts';
import type { Accounting } from '../../registers/usage.ts';
import { refuse } from '../refuse.ts';
import { BatchLookupAnswer, BatchLookupBody, HolderAnswer, HolderBody, LookupAnswer, LookupBody, VerifyAnswer, VerifyBody } from '../registers/schemas.ts';
import { AUTHENTICATED_ERRORS, ErrorBody } from '../schemas.ts';
import { ownedRequest } from './request-delivery.ts';
import { RemoteRequestParams, tags } from './schemas.ts';

const ERRORS = { 409: ErrorBody, 429: ErrorBody, ...AUTHENTICATED_ERRORS };

/**
 * Register lookups of a query request, through this gateway to the owner (docs/federation.md): the same bodies and
 * answers as the query routes of a local subscription. The owner checks each key as its register's kind of key;
 * here a key is only cleaned (half-width, trimmed) so its keyed hash in this gateway's audit is that of the entity.
 */
const requestQueryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const lookups = createFederatedLookups({ db: app.db, audit: app.audit, peers: app.federation.peers, client: app.federation.client, hasher: app.registers.hasher, outgoing: app.federation.outgoing });
  const consume = { action: 'federation:requests:consume' as const };

  /**
   * One query route: its body's keys are cleaned here and the call forwarded; the owner's answer is sent in the shape
   * of the answer schema (which serialises only its fields). A 503's body is the generic one of every 5xx, so the
   * peer that did not answer is named in the dx-peer header.
   */
  function route<Body extends TSchema>(path: FederatedQueryPath, summary: string, body: Body, answer: TSchema, keysOf: (body: Static<Body>) => { path: string; value: string }[]) {
    app.post(`/api/v1/federation/requests/:id/${path}`, {
      config: consume,
      schema: { tags, summary, params: RemoteRequestParams, body, response: { 200: answer, ...ERRORS } },
    }, async (request, reply) => {
      const asked = request.body as Static<Body> & Accounting & Record<string, unknown>;
      const found = await ownedRequest(app, request, request.params.id);
      const checked = checkKeys(null, keysOf(asked));
      refuse(checked.problems);
      try {
        return await lookups.query(found, request.principal as Principal, path, asked, checked.keys.map((key) => key.toUpperCase()));
      } catch (err) {
        if (err instanceof DxError && err.code === 'DX_ERR_PEER_UNAVAILABLE') reply.header('dx-peer', found.peer.instanceId);
        throw err;
      }
    });
  }

  route('lookup', "query requests: the owner's current record of one entity under the approved fields and the owner's masking", LookupBody, LookupAnswer, (body) => [{ path: 'key', value: body.key }]);
  route('lookup/batch', "query requests: the owner's current records of up to 100 entities, in the order of the keys", BatchLookupBody, BatchLookupAnswer, (body) => body.keys.map((value, index) => ({ path: `keys[${index}]`, value })));
  route('verify', "query requests: whether claimed values match the owner's current record, per field match / mismatch / unknown", VerifyBody, VerifyAnswer, (body) => [{ path: 'key', value: body.key }]);
  route('licences', "query requests of e-licences: the owner's valid licences of one holder, optionally of one licence type", HolderBody, HolderAnswer, (body) => [{ path: 'holderCode', value: body.holderCode }]);
};

export default requestQueryRoutes;
