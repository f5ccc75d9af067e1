-- Up Migration
-- Local delivery of a cross-gateway request (docs/federation.md, "Delivery at the requesting gateway"): the
-- mirrored topic <owner>.dx.sub.<id> is delivered to the integrator by kafka (its own consumer, under ACLs),
-- http (pages) or webhook, with the same counters, parking and leases as a local subscription.
ALTER TABLE federation_requests
  ADD COLUMN delivery_mode text NOT NULL DEFAULT 'kafka' CHECK (delivery_mode IN ('kafka', 'http', 'webhook')),
  ADD COLUMN webhook_url text,
  ADD COLUMN webhook_max_attempts integer,
  -- The mirrored topic once active, kept after the request closes: its kafka ACLs are removed by it.
  ADD COLUMN mirrored_topic text,
  ADD COLUMN kafka_acl text,
  ADD COLUMN delivered bigint NOT NULL DEFAULT 0,
  ADD COLUMN last_delivered_at timestamptz,
  -- The webhook batch delivery waits at after every attempt failed: { partition, fromOffset, toOffset, records, attempts, lastError, parkedAt }.
  ADD COLUMN parked jsonb,
  ADD CONSTRAINT federation_requests_webhook CHECK ((delivery_mode = 'webhook') = (webhook_url IS NOT NULL) OR direction = 'incoming');

-- Which instance delivers an outgoing request's webhook (as subscription_leases for subscriptions).
CREATE TABLE federation_delivery_leases (
  request_id uuid PRIMARY KEY REFERENCES federation_requests (id) ON DELETE CASCADE,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- MirrorMaker copies at least once: the first place (partition, offset) of the mirrored topic each dx-message-id was
-- read at. A record is delivered only at that place, so a copy made twice is delivered once, also on a re-read.
CREATE TABLE federation_mirror_seen (
  request_id uuid NOT NULL REFERENCES federation_requests (id) ON DELETE CASCADE,
  message_id text NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  PRIMARY KEY (request_id, message_id)
);

-- Down Migration
DROP TABLE federation_mirror_seen;
DROP TABLE federation_delivery_leases;
ALTER TABLE federation_requests DROP CONSTRAINT federation_requests_webhook, DROP COLUMN parked, DROP COLUMN last_delivered_at, DROP COLUMN delivered,
  DROP COLUMN kafka_acl, DROP COLUMN mirrored_topic, DROP COLUMN webhook_max_attempts, DROP COLUMN webhook_url, DROP COLUMN delivery_mode;
