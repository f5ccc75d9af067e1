-- Up Migration
CREATE TABLE connectors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  department_code text NOT NULL,
  type text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('pull', 'push')),
  schema_name text NOT NULL,
  topic text NOT NULL,
  dead_letter_topic text NOT NULL,
  config jsonb NOT NULL,
  mapping jsonb NOT NULL,
  schedule text,
  options jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
  run_requested_at timestamptz,
  created_by uuid REFERENCES principals (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (department_code, name),
  CHECK ((kind = 'pull') = (schedule IS NOT NULL))
);

-- Committed source positions: written only after the broker acknowledged every record up to them.
CREATE TABLE connector_offsets (
  connector_id uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  partition text NOT NULL,
  "offset" jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, partition)
);

CREATE TABLE connector_runs (
  id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  connector_id uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  trigger text NOT NULL,
  instance text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'aborted')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  read bigint NOT NULL DEFAULT 0,
  published bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 1,
  error text
);
CREATE INDEX connector_runs_connector ON connector_runs (connector_id, id DESC);

-- Running totals per connector, updated in the transaction that commits offsets.
CREATE TABLE connector_totals (
  connector_id uuid PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
  read bigint NOT NULL DEFAULT 0,
  published bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  last_published_at timestamptz,
  last_error text,
  last_error_at timestamptz
);

-- Records that failed mapping or validation, with their reasons; replayable once the mapping is fixed.
CREATE TABLE rejected_records (
  id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  connector_id uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  run_id bigint,
  partition text NOT NULL,
  "offset" jsonb NOT NULL,
  source jsonb NOT NULL,
  errors jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replayed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz
);
CREATE INDEX rejected_records_open ON rejected_records (connector_id, id) WHERE status = 'open';

-- Which gateway instance runs which pull connector; an expired lease may be taken by any instance.
CREATE TABLE connector_leases (
  connector_id uuid PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Answers to push requests by Idempotency-Key, so a retried request is answered without publishing twice.
CREATE TABLE ingest_requests (
  connector_id uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, idempotency_key)
);

-- Down Migration
DROP TABLE ingest_requests;
DROP TABLE connector_leases;
DROP TABLE rejected_records;
DROP TABLE connector_totals;
DROP TABLE connector_runs;
DROP TABLE connector_offsets;
DROP TABLE connectors;
