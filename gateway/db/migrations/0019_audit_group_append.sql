-- Up Migration
-- Lookups' accounting is appended in groups (docs/decisions/0031-lookups-accounting-in-group-commits.md): one
-- update of the chain head after several entries. The head still never moves back, and it may only move onto an
-- entry that is in the log with the hash it names.
CREATE OR REPLACE FUNCTION audit_chain_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sequence <= OLD.sequence OR NOT EXISTS (SELECT 1 FROM audit_log WHERE sequence = NEW.sequence AND hash = NEW.hash) THEN
    RAISE EXCEPTION 'the audit chain head only advances, onto an entry of the log' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION audit_chain_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sequence <> OLD.sequence + 1 THEN
    RAISE EXCEPTION 'the audit chain head only advances by one entry' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
