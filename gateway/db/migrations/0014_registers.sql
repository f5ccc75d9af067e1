-- Up Migration
-- Base registers (docs/registers.md): the current record of each entity of a register-enabled resource,
-- materialised from its topic. A register has generations: lookups read `active_generation`; a rebuild fills
-- `building_generation` from the start of the topic and is switched to when it has caught up.
CREATE TABLE registers (
  resource_id uuid PRIMARY KEY REFERENCES catalog_resources (id),
  active_generation integer NOT NULL DEFAULT 1,
  building_generation integer,
  rebuild_requested_at timestamptz,
  rebuild_requested_by uuid REFERENCES principals (id),
  undecodable bigint NOT NULL DEFAULT 0,
  CHECK (building_generation IS NULL OR building_generation > active_generation)
);

-- One row per business key. `source` is the pipeline's provenance ([connector id, source partition, offset]).
CREATE TABLE register_entries (
  resource_id uuid NOT NULL,
  generation integer NOT NULL,
  key text NOT NULL,
  record jsonb NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  message_id text,
  source jsonb,
  record_time timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resource_id, generation, key)
);
-- E-licence holder search: the licences of one holder.
CREATE INDEX register_entries_holder ON register_entries (resource_id, generation, (record->>'holder_code_type'), (record->>'holder_code'))
  WHERE record ? 'holder_code';

-- PostgreSQL is the offset store: the next offset to apply per partition, written in the transaction of the upserts.
CREATE TABLE register_offsets (
  resource_id uuid NOT NULL,
  generation integer NOT NULL,
  partition integer NOT NULL,
  next_offset bigint NOT NULL,
  last_record_time timestamptz,
  PRIMARY KEY (resource_id, generation, partition)
);

-- Every entity looked up, one row per entity and query, written before the answer (with its audit entry). The
-- entity is its keyed hash (HMAC-SHA256 under the secret key), never the key itself.
CREATE TABLE register_lookups (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id uuid NOT NULL,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  integrator_id uuid NOT NULL,
  entity_hash text NOT NULL,
  form text NOT NULL CHECK (form IN ('lookup', 'verify', 'holder')),
  operator text NOT NULL,
  purpose text NOT NULL,
  case_number text,
  fields jsonb NOT NULL,
  audit_sequence bigint NOT NULL,
  looked_up_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX register_lookups_entity ON register_lookups (resource_id, entity_hash, looked_up_at);
CREATE INDEX register_lookups_day ON register_lookups (resource_id, looked_up_at);

-- The distinct entities each subscription looked up per clock hour (UTC), for its hourly limit: counted as they
-- come, so checking the limit costs the keys of one query, not the hour's lookups.
CREATE TABLE register_window_counts (
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  window_start timestamptz NOT NULL,
  entities integer NOT NULL DEFAULT 0,
  PRIMARY KEY (subscription_id, window_start)
);
CREATE TABLE register_window_entities (
  subscription_id uuid NOT NULL,
  window_start timestamptz NOT NULL,
  entity_hash text NOT NULL,
  PRIMARY KEY (subscription_id, window_start, entity_hash)
);

-- A subscription refused for looking up more distinct entities in an hour than its limit allows.
CREATE TABLE register_rate_alerts (
  subscription_id uuid PRIMARY KEY REFERENCES subscriptions (id),
  distinct_per_hour integer NOT NULL,
  refused bigint NOT NULL DEFAULT 1,
  first_at timestamptz NOT NULL DEFAULT now(),
  last_at timestamptz NOT NULL DEFAULT now()
);

-- query: the lookup and verification interface of registers (共享方式 interface).
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_delivery_mode_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_delivery_mode_check CHECK (delivery_mode IN ('kafka', 'http', 'webhook', 'query'));
-- Distinct entities one subscription may look up an hour; null: DX_REGISTER_LOOKUPS_PER_HOUR.
ALTER TABLE subscriptions ADD COLUMN query_distinct_per_hour integer CHECK (query_distinct_per_hour > 0);

-- Down Migration
ALTER TABLE subscriptions DROP COLUMN query_distinct_per_hour;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_delivery_mode_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_delivery_mode_check CHECK (delivery_mode IN ('kafka', 'http', 'webhook'));
DROP TABLE register_rate_alerts;
DROP TABLE register_window_entities;
DROP TABLE register_window_counts;
DROP TABLE register_lookups;
DROP TABLE register_offsets;
DROP TABLE register_entries;
DROP TABLE registers;
