-- Up Migration
-- Register lookups of a harvested resource (docs/federation.md): a cross-gateway request may be a query
-- subscription at the owner, queried through the requesting gateway by signed calls the owner accounts for.
ALTER TABLE federation_requests DROP CONSTRAINT federation_requests_delivery_mode_check,
  ADD CONSTRAINT federation_requests_delivery_mode_check CHECK (delivery_mode IN ('kafka', 'http', 'webhook', 'query'));
-- At the owner, a lookup a peer made for one of its integrators: { instance, integrator } (null for a local lookup).
ALTER TABLE register_lookups ADD COLUMN on_behalf_of jsonb;

-- Down Migration
ALTER TABLE register_lookups DROP COLUMN on_behalf_of;
ALTER TABLE federation_requests DROP CONSTRAINT federation_requests_delivery_mode_check,
  ADD CONSTRAINT federation_requests_delivery_mode_check CHECK (delivery_mode IN ('kafka', 'http', 'webhook'));
