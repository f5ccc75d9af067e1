-- Up Migration
-- Quarantined source records and stored push answers are sealed by the gateway (AES-256-GCM, gateway/security/):
-- text, no longer JSON. Rows written before stay readable as JSON text until the first start seals them.
ALTER TABLE rejected_records ALTER COLUMN source TYPE text USING source::text;
ALTER TABLE ingest_requests ALTER COLUMN response TYPE text USING response::text;

-- The retention purge deletes by age.
CREATE INDEX rejected_records_created ON rejected_records (created_at);
CREATE INDEX ingest_requests_created ON ingest_requests (created_at);
CREATE INDEX connector_runs_finished ON connector_runs (finished_at) WHERE finished_at IS NOT NULL;

-- Down Migration
DROP INDEX connector_runs_finished;
DROP INDEX ingest_requests_created;
DROP INDEX rejected_records_created;
-- Sealed values cannot be turned back into JSON here; down keeps them as JSON strings.
ALTER TABLE ingest_requests ALTER COLUMN response TYPE jsonb USING CASE WHEN response LIKE 'dx1:%' THEN to_jsonb(response) ELSE response::jsonb END;
ALTER TABLE rejected_records ALTER COLUMN source TYPE jsonb USING CASE WHEN source LIKE 'dx1:%' THEN to_jsonb(source) ELSE source::jsonb END;
