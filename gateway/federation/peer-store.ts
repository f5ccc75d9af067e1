import type { Db } from '../plugins/db.ts';

type Queryable = Pick<Db, 'query'>;

/** A peer gateway registered by the data office. */
export interface Peer {
  id: string;
  /** The peer's instance id: its administrative division code (330110), possibly with a suffix. */
  instanceId: string;
  name: string;
  baseUrl: string;
  /** The peer's Ed25519 public key, raw 32 bytes base64url. */
  publicKey: string;
  /** The integrator principal standing for the peer here. */
  principalId: string;
  /** When a signed handshake first succeeded: federation is on from then. */
  confirmedAt: string | null;
  harvestedUntil: string | null;
  lastHarvestAt: string | null;
  lastHarvestError: string | null;
  createdAt: string;
}

export type NewPeer = Pick<Peer, 'instanceId' | 'name' | 'baseUrl' | 'publicKey' | 'principalId'>;

const iso = (column: string, alias: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${alias}"`;
const COLUMNS = `id, instance_id AS "instanceId", name, base_url AS "baseUrl", public_key AS "publicKey", principal_id AS "principalId",
  ${iso('confirmed_at', 'confirmedAt')}, ${iso('harvested_until', 'harvestedUntil')}, ${iso('last_harvest_at', 'lastHarvestAt')},
  last_harvest_error AS "lastHarvestError", ${iso('created_at', 'createdAt')}`;

export function createPeerStore(db: Db) {
  const one = async (sql: string, values: unknown[], client: Queryable = db) => (await client.query<Peer>(sql, values)).rows[0];
  return {
    async list(): Promise<Peer[]> {
      return (await db.query<Peer>(`SELECT ${COLUMNS} FROM federation_peers ORDER BY instance_id`)).rows;
    },
    /** `client`: inside a transaction, whose connection must answer (another one from the pool may never come). */
    get: (id: string, client: Queryable = db) => one(`SELECT ${COLUMNS} FROM federation_peers WHERE id = $1`, [id], client),
    byInstance: (instanceId: string) => one(`SELECT ${COLUMNS} FROM federation_peers WHERE instance_id = $1`, [instanceId]),
    byPrincipal: (principalId: string) => one(`SELECT ${COLUMNS} FROM federation_peers WHERE principal_id = $1`, [principalId]),

    async create(peer: NewPeer, createdBy: string | null, client: Queryable): Promise<Peer> {
      return (await one(
        `INSERT INTO federation_peers (instance_id, name, base_url, public_key, principal_id, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [peer.instanceId, peer.name, peer.baseUrl, peer.publicKey, peer.principalId, createdBy],
        client,
      )) as Peer;
    },

    remove: (id: string, client: Queryable) => one(`DELETE FROM federation_peers WHERE id = $1 RETURNING ${COLUMNS}`, [id], client),

    /** Marks the handshake done; returns the peer only the first time. */
    confirm: (id: string, client: Queryable) => one(`UPDATE federation_peers SET confirmed_at = now() WHERE id = $1 AND confirmed_at IS NULL RETURNING ${COLUMNS}`, [id], client),

    async harvested(id: string, outcome: { until?: string | undefined; error: string | null }): Promise<void> {
      await db.query(
        'UPDATE federation_peers SET last_harvest_at = now(), last_harvest_error = $2, harvested_until = COALESCE($3, harvested_until) WHERE id = $1',
        [id, outcome.error, outcome.until ?? null],
      );
    },

    /** Remembers a signature's nonce; false when it was seen before (a replay). Nonces past the window are dropped. */
    async useNonce(peerId: string, nonce: string, windowS: number): Promise<boolean> {
      await db.query(`DELETE FROM federation_nonces WHERE seen_at < now() - make_interval(secs => $1)`, [windowS * 2]);
      const { rowCount } = await db.query('INSERT INTO federation_nonces (peer_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING', [peerId, nonce]);
      return (rowCount ?? 0) > 0;
    },
  };
}

export type PeerStore = ReturnType<typeof createPeerStore>;
