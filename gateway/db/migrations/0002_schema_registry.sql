-- Up Migration
-- One row per distinct schema (by type and canonical form); the id is the global schema id of the wire format.
-- Rows are never deleted: messages on Kafka carry these ids for as long as the topics keep them.
CREATE TABLE registry_schemas (
  id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  schema_type text NOT NULL CHECK (schema_type IN ('AVRO', 'JSON')),
  fingerprint text NOT NULL UNIQUE,
  schema text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry_versions (
  subject text NOT NULL CHECK (subject <> ''),
  version integer NOT NULL CHECK (version > 0),
  schema_id integer NOT NULL REFERENCES registry_schemas (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  PRIMARY KEY (subject, version)
);
CREATE INDEX registry_versions_schema ON registry_versions (schema_id);

-- Compatibility levels: subject '' holds the global level, any other row overrides it for one subject.
CREATE TABLE registry_config (
  subject text PRIMARY KEY,
  compatibility text NOT NULL CHECK (compatibility IN ('NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE registry_config;
DROP TABLE registry_versions;
DROP TABLE registry_schemas;
