-- Up Migration
-- The catalogue's change counter. Every write takes this row's lock and bumps it, so changes commit in revision
-- order and an instance that knows revision N can catch up by reading the resources with revision > N.
CREATE TABLE catalog_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision bigint NOT NULL DEFAULT 0
);
INSERT INTO catalog_state DEFAULT VALUES;

-- Resources of the catalogue (GB/T 21063). Connectors feed the resource whose topic equals theirs.
CREATE TABLE catalog_resources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('base', 'theme', 'department')),
  provider_code text NOT NULL,
  provider_name text NOT NULL,
  summary text NOT NULL,
  keywords jsonb NOT NULL DEFAULT '[]',
  format text NOT NULL,
  items jsonb NOT NULL,
  sharing jsonb NOT NULL,
  open jsonb NOT NULL,
  update_cycle text NOT NULL,
  publish_date date NOT NULL,
  related jsonb NOT NULL DEFAULT '[]',
  topic text,
  schema_subject text,
  version integer NOT NULL DEFAULT 1,
  revision bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES principals (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES principals (id),
  CONSTRAINT catalog_resources_code_key UNIQUE (code)
);
CREATE UNIQUE INDEX catalog_resources_topic_key ON catalog_resources (topic) WHERE topic IS NOT NULL;
CREATE INDEX catalog_resources_revision ON catalog_resources (revision);

-- Every version of every resource, with who made it; written in the transaction of the change, never changed.
CREATE TABLE catalog_resource_history (
  resource_id uuid NOT NULL REFERENCES catalog_resources (id),
  version integer NOT NULL,
  change text NOT NULL CHECK (change IN ('created', 'updated')),
  changed_fields jsonb NOT NULL,
  document jsonb NOT NULL,
  principal_id uuid REFERENCES principals (id),
  principal_kind text,
  principal_name text,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resource_id, version)
);

-- Base resources created on first start, by name, so a restart or a second instance creates none again.
CREATE TABLE catalog_seeds (
  name text PRIMARY KEY,
  resource_id uuid REFERENCES catalog_resources (id),
  seeded_at timestamptz NOT NULL DEFAULT now()
);

-- Statistics and lineage find a resource's connectors by topic.
CREATE INDEX connectors_topic ON connectors (topic);

-- Down Migration
DROP INDEX connectors_topic;
DROP TABLE catalog_seeds;
DROP TABLE catalog_resource_history;
DROP TABLE catalog_resources;
DROP TABLE catalog_state;
