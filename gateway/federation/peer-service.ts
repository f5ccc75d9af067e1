import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import type { PrincipalStore } from '../auth/principal-store.ts';
import { DxError, dxError } from '../errors.ts';
import type { Db } from '../plugins/db.ts';
import type { HostGuard } from '../security/host-guard.ts';
import { publicKeyObject } from './instance-key.ts';
import { vetPeerUrl } from './peer-client.ts';
import type { NewPeer, Peer, PeerStore } from './peer-store.ts';

export interface PeerRegistration {
  instanceId: string;
  name: string;
  baseUrl: string;
  publicKey: string;
}

const peerObject = (peer: Peer) => ({ type: 'federation-peer', id: peer.id });

/**
 * The data office's changes to its peers and to what is shared with them, each with its audit entry in one
 * transaction. A peer registered here gets an integrator principal (`peer-<instance id>`) that owns the
 * subscriptions the peer requests for its integrators.
 */
export function createPeerService(deps: { db: Db; peers: PeerStore; principals: PrincipalStore; audit: AuditLog; ownInstanceId: string; ownPublicKey: string; guard: HostGuard }) {
  const { db, peers, principals, audit } = deps;

  function refuse(path: string, message: string): never {
    throw dxError('DX_ERR_REQUEST_INVALID', { message: `${path} ${message}`, details: [{ path, message }] });
  }

  return {
    async register(input: PeerRegistration, actor: AuditActor): Promise<Peer> {
      try {
        publicKeyObject(input.publicKey);
      } catch (err) {
        refuse('publicKey', (err as Error).message);
      }
      if (input.instanceId === deps.ownInstanceId) refuse('instanceId', 'is the id of this gateway');
      if (input.publicKey === deps.ownPublicKey) refuse('publicKey', 'is the key of this gateway');
      if ((await peers.byInstance(input.instanceId)) !== undefined) throw dxError('DX_ERR_PEER_EXISTS');
      // The gateway will call this URL: it must be on the allow-list now (and every call checks it again).
      await vetPeerUrl(deps.guard, input.baseUrl).catch((err: unknown) => refuse('baseUrl', (err instanceof DxError && err.details?.[0]?.message) || (err as Error).message));
      try {
        return await db.transaction(async (client) => {
          const principal = await principals.insertPrincipal(client, { kind: 'integrator', name: `peer-${input.instanceId}`, description: `Peer gateway ${input.name}: the subscriptions it requests for its integrators` }, actor?.id ?? null);
          const peer = await peers.create({ ...input, baseUrl: input.baseUrl.replace(/\/+$/, ''), principalId: principal.id } satisfies NewPeer, actor?.id ?? null, client);
          await audit.record({ principal: actor, action: 'federation.peer.register', object: peerObject(peer), details: { instanceId: peer.instanceId, baseUrl: peer.baseUrl, publicKey: peer.publicKey, principalId: principal.id } }, client);
          return peer;
        });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw dxError('DX_ERR_PEER_EXISTS', { cause: err });
        throw err;
      }
    },

    /** Removes the peer: federation with it stops; what was harvested from it goes. Its principal is disabled. */
    async remove(id: string, actor: AuditActor): Promise<Peer> {
      return db.transaction(async (client) => {
        const inUse = await client.query('SELECT 1 FROM federation_requests WHERE peer_id = $1 LIMIT 1', [id]);
        const peer = await peers.get(id, client);
        if (!peer) throw dxError('DX_ERR_PEER_NOT_FOUND');
        if ((inUse.rowCount ?? 0) > 0) {
          throw dxError('DX_ERR_REQUEST_INVALID', { message: 'the peer has cross-gateway requests; revoke them, the peer stays registered for their record', details: [{ path: 'id', message: 'has cross-gateway requests' }] });
        }
        await peers.remove(id, client);
        await client.query('UPDATE principals SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL', [peer.principalId]);
        await audit.record({ principal: actor, action: 'federation.peer.remove', object: peerObject(peer), details: { instanceId: peer.instanceId } }, client);
        return peer;
      });
    },

    /** Federation is on once a signed handshake succeeded: audited the first time only. */
    async confirm(peer: Peer, direction: 'called' | 'was-called'): Promise<void> {
      await db.transaction(async (client) => {
        const confirmed = await peers.confirm(peer.id, client);
        if (confirmed) await audit.record({ principal: null, action: 'federation.peer.confirm', object: peerObject(peer), details: { instanceId: peer.instanceId, direction } }, client);
      });
    },

    async share(peer: Peer, resource: { id: string; code: string }, shared: boolean, actor: AuditActor): Promise<boolean> {
      return db.transaction(async (client) => {
        const { rowCount } = shared
          ? await client.query('INSERT INTO federation_shares (resource_id, peer_id, created_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [resource.id, peer.id, actor?.id ?? null])
          : await client.query('DELETE FROM federation_shares WHERE resource_id = $1 AND peer_id = $2', [resource.id, peer.id]);
        if ((rowCount ?? 0) === 0) return false;
        await client.query(
          'INSERT INTO federation_share_changes (peer_id, resource_id) VALUES ($1, $2) ON CONFLICT (peer_id, resource_id) DO UPDATE SET changed_at = now()',
          [peer.id, resource.id],
        );
        await audit.record({ principal: actor, action: shared ? 'federation.share.add' : 'federation.share.remove', object: { type: 'catalog-resource', id: resource.id }, details: { code: resource.code, peer: peer.instanceId } }, client);
        return true;
      });
    },
  };
}

export type PeerService = ReturnType<typeof createPeerService>;
