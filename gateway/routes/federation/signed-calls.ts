import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dxError } from '../../errors.ts';
import { publicKeyObject } from '../../federation/instance-key.ts';
import type { Peer } from '../../federation/peer-store.ts';
import { SIGNATURE_MAX_AGE_S, SignatureRefused, verifyCall } from '../../federation/signature.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** On /federation/v1 routes: the peer whose signature the call carries, and the integrator it acts for. */
    peerCall: { peer: Peer; integrator: string | undefined } | null;
    rawBody: Buffer | undefined;
  }
  interface FastifyContextConfig {
    /** A /federation/v1 route a registered peer may call before the handshake confirmed it (the handshake itself). */
    beforeConfirmation?: boolean;
  }
}

/**
 * Authenticates the routes registered in this context as federated calls (gateway/federation/signature.ts): the
 * body is kept as received, for its digest; the signature must verify with a registered peer's key; a nonce is
 * accepted once. A peer not yet confirmed by a handshake may call only the routes marked `beforeConfirmation`.
 */
export function authenticateSignedCalls(app: FastifyInstance): void {
  app.decorateRequest('peerCall', null);
  app.decorateRequest('rawBody', undefined);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, (body as Buffer).length === 0 ? undefined : JSON.parse((body as Buffer).toString('utf8')));
    } catch (err) {
      done(dxError('DX_ERR_REQUEST_INVALID', { message: `The body is not JSON: ${(err as Error).message}` }), undefined);
    }
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    let peer: Peer | undefined;
    try {
      const verified = await verifyCall(
        { method: request.method, url: `${request.protocol}://${request.host}${request.url}`, headers: request.headers, rawBody: request.rawBody ?? Buffer.alloc(0) },
        async (keyid) => {
          peer = await app.federation.peers.byInstance(keyid);
          return peer ? publicKeyObject(peer.publicKey) : undefined;
        },
      );
      if (!peer) throw new SignatureRefused('unknown peer');
      if (!(await app.federation.peers.useNonce(peer.id, verified.nonce, SIGNATURE_MAX_AGE_S))) throw new SignatureRefused('the signature was used before (replay)');
      request.peerCall = { peer, integrator: verified.integrator };
    } catch (err) {
      if (!(err instanceof SignatureRefused)) throw err;
      request.log.warn({ reason: err.message, instance: request.headers['dx-instance'] }, 'federated call refused');
      throw dxError('DX_ERR_FEDERATION_SIGNATURE', { message: `The federated call is refused: ${err.message}` });
    }
    if (peer.confirmedAt === null && request.routeOptions.config.beforeConfirmation !== true) throw dxError('DX_ERR_PEER_NOT_CONFIRMED');
  });
}
