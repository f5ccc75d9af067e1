-- Up Migration
-- Federation with peer gateways (docs/federation.md). This instance's Ed25519 key pair: one row, made on first start;
-- the private key sealed by the secret box, as other secrets.
CREATE TABLE federation_instance (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  public_key text NOT NULL,
  private_key_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The peers the data office registered. `confirmed_at` is set once a signed handshake succeeded in either direction:
-- then both sides hold each other's key, and only then is the peer served or called.
CREATE TABLE federation_peers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  instance_id text NOT NULL UNIQUE,
  name text NOT NULL,
  base_url text NOT NULL,
  public_key text NOT NULL UNIQUE,
  -- The integrator principal that stands for the peer here: subscriptions the peer requests are its subscriptions.
  principal_id uuid NOT NULL REFERENCES principals (id),
  confirmed_at timestamptz,
  harvested_until timestamptz,
  last_harvest_at timestamptz,
  last_harvest_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES principals (id)
);

-- What the owner shares with which peer: a resource leaves this gateway only towards the peers listed for it.
CREATE TABLE federation_shares (
  resource_id uuid NOT NULL REFERENCES catalog_resources (id),
  peer_id uuid NOT NULL REFERENCES federation_peers (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES principals (id),
  PRIMARY KEY (resource_id, peer_id)
);
-- A share changes what the peer's next incremental harvest must see.
CREATE TABLE federation_share_changes (
  peer_id uuid NOT NULL REFERENCES federation_peers (id) ON DELETE CASCADE,
  resource_id uuid NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (peer_id, resource_id)
);

-- Resources harvested from peers: read-only here, linked to the original by its IRI.
CREATE TABLE federation_harvested (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  peer_id uuid NOT NULL REFERENCES federation_peers (id) ON DELETE CASCADE,
  iri text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  summary text NOT NULL,
  publisher text NOT NULL,
  keywords jsonb NOT NULL DEFAULT '[]',
  access_rights text,
  fields jsonb NOT NULL DEFAULT '[]',
  modified timestamptz NOT NULL,
  harvested_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (peer_id, iri)
);

-- Nonces of signatures accepted within their validity window: a replayed signature is refused.
CREATE TABLE federation_nonces (
  peer_id uuid NOT NULL REFERENCES federation_peers (id) ON DELETE CASCADE,
  nonce text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (peer_id, nonce)
);

-- Cross-gateway requests. Outgoing: a local integrator asked for a harvested resource; incoming: a peer asked on
-- behalf of one of its integrators, and `subscription_id` is the local subscription the provider decides.
CREATE TABLE federation_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  direction text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
  peer_id uuid NOT NULL REFERENCES federation_peers (id),
  remote_id uuid,
  harvested_id uuid REFERENCES federation_harvested (id) ON DELETE SET NULL,
  resource_code text NOT NULL,
  integrator_id uuid REFERENCES principals (id),
  integrator_name text NOT NULL,
  subscription_id uuid REFERENCES subscriptions (id),
  purpose text NOT NULL,
  legal_basis text NOT NULL,
  requested_fields jsonb NOT NULL,
  approved_fields jsonb,
  status text NOT NULL CHECK (status IN ('forwarding', 'pending', 'active', 'rejected', 'revoked', 'expired')),
  reason text,
  reply_due date,
  expires_at timestamptz,
  topic text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((direction = 'incoming') = (subscription_id IS NOT NULL))
);
CREATE UNIQUE INDEX federation_requests_remote ON federation_requests (peer_id, direction, remote_id) WHERE remote_id IS NOT NULL;

-- Down Migration
DROP TABLE federation_requests;
DROP TABLE federation_nonces;
DROP TABLE federation_harvested;
DROP TABLE federation_share_changes;
DROP TABLE federation_shares;
DROP TABLE federation_peers;
DROP TABLE federation_instance;
