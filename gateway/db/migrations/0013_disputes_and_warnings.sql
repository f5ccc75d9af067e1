-- Up Migration
-- Disputes (数据异议) on one record of a resource: raised by a subscriber or the data office, answered by the provider
-- department within working days. The business key, the evidence and the attachment are sealed (SecretBox);
-- business_key_digest (HMAC under the secret key) finds the dispute again when the record's new version arrives.
CREATE TABLE disputes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource_id uuid NOT NULL REFERENCES catalog_resources (id) ON DELETE CASCADE,
  subscription_id uuid REFERENCES subscriptions (id) ON DELETE SET NULL,
  raised_by uuid NOT NULL REFERENCES principals (id),
  provider_code text NOT NULL,
  business_key text NOT NULL,
  business_key_digest text NOT NULL,
  fields jsonb NOT NULL,
  problem text NOT NULL,
  evidence text NOT NULL,
  attachment_name text,
  attachment_type text,
  attachment_bytes integer,
  attachment text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'rejected')),
  answer_counted_from date NOT NULL,
  -- The working days given when it was raised: a holiday notice added later recounts with the same number.
  answer_working_days integer NOT NULL,
  answer_due date NOT NULL,
  answer_due_provisional_reason text,
  answered_at timestamptz,
  answered_by uuid REFERENCES principals (id),
  answer_reason text,
  -- When the data office was first told the dispute is overdue (audited once).
  overdue_notified_at timestamptz,
  -- Confirmed disputes: where the resource topic stood at confirmation, then the corrected record found after it.
  correction_from jsonb,
  corrected_topic text,
  corrected_partition integer,
  corrected_offset bigint,
  corrected_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'open') = (answered_at IS NULL))
);
CREATE INDEX disputes_resource ON disputes (resource_id, status);
CREATE INDEX disputes_provider ON disputes (provider_code, status);
CREATE INDEX disputes_awaiting_correction ON disputes (resource_id) WHERE status = 'confirmed' AND corrected_at IS NULL;

-- Data-quality warnings (soft rules): counted per connector with the batch that published the records, and the
-- warned records' positions kept for the connector's warnings view (purged with the quarantine's retention).
ALTER TABLE connector_totals ADD COLUMN warned bigint NOT NULL DEFAULT 0;
CREATE TABLE record_warnings (
  id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  connector_id uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  run_id bigint,
  partition text NOT NULL,
  "offset" jsonb NOT NULL,
  warnings jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_warnings_connector ON record_warnings (connector_id, id);

-- Down Migration
DROP TABLE record_warnings;
ALTER TABLE connector_totals DROP COLUMN warned;
DROP TABLE disputes;
