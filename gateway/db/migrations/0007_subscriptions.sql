-- Up Migration
-- Subscriptions: an integrator's access to a catalogue resource under the sharing rules (README "Subscriptions and
-- delivery"). `status` moves pending → active | rejected, active → revoked | expired, pending → revoked; a row is
-- never deleted, so the audit log's object ids stay resolvable.
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  integrator_id uuid NOT NULL REFERENCES principals (id),
  resource_id uuid NOT NULL REFERENCES catalog_resources (id),
  -- The resource's sharing type when requested: conditional requests wait for the provider's decision.
  sharing_type text NOT NULL CHECK (sharing_type IN ('unconditional', 'conditional')),
  purpose text NOT NULL,
  legal_basis text NOT NULL,
  requested_fields jsonb NOT NULL,
  approved_fields jsonb,
  delivery_mode text NOT NULL CHECK (delivery_mode IN ('kafka', 'http', 'webhook')),
  webhook_url text,
  webhook_max_attempts integer CHECK (webhook_max_attempts > 0),
  status text NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'revoked', 'expired')),
  reply_due date,
  decided_at timestamptz,
  decided_by uuid REFERENCES principals (id),
  decision_reason text,
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES principals (id),
  revoke_reason text,
  -- kafka mode: whether the gateway could set ACLs on the subscription topic (pending, applied, no-authorizer, removed, failed).
  kafka_acl text,
  delivered bigint NOT NULL DEFAULT 0,
  last_delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((delivery_mode = 'webhook') = (webhook_url IS NOT NULL)),
  CHECK (status <> 'pending' OR approved_fields IS NULL),
  CHECK (status NOT IN ('active', 'expired') OR approved_fields IS NOT NULL)
);
CREATE INDEX subscriptions_integrator ON subscriptions (integrator_id, created_at);
CREATE INDEX subscriptions_resource ON subscriptions (resource_id, created_at);
CREATE INDEX subscriptions_open ON subscriptions (status, expires_at) WHERE status IN ('pending', 'active');

-- The webhook batch that failed every attempt. Delivery of the subscription waits at it (so per-entity order
-- holds) until redelivered. Offsets and counts only, never the records.
CREATE TABLE subscription_parked (
  subscription_id uuid PRIMARY KEY REFERENCES subscriptions (id),
  partition integer NOT NULL,
  from_offset bigint NOT NULL,
  to_offset bigint NOT NULL,
  records integer NOT NULL,
  attempts integer NOT NULL,
  last_error text NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now()
);

-- Which gateway instance delivers which kafka or webhook subscription (gateway/pipeline/leases.ts).
CREATE TABLE subscription_leases (
  subscription_id uuid PRIMARY KEY REFERENCES subscriptions (id),
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Secrets the gateway generates for itself on first start when none is configured (DX_SUBSCRIPTION_SECRET).
CREATE TABLE gateway_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE gateway_secrets;
DROP TABLE subscription_leases;
DROP TABLE subscription_parked;
DROP TABLE subscriptions;
