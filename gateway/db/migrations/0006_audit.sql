-- Up Migration
-- The audit log: append-only, each entry hash-chained to the one before (gateway/audit/chain.ts, README "Audit log").
-- Ids are stored as text, exactly as they were hashed.
CREATE TABLE audit_log (
  sequence bigint PRIMARY KEY CHECK (sequence > 0),
  recorded_at timestamptz NOT NULL,
  principal_id text,
  principal_kind text NOT NULL,
  action text NOT NULL,
  object_type text,
  object_id text,
  details jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_principal ON audit_log (principal_id, sequence);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, sequence);
CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at);

-- The tip of the chain. Appenders lock this row (SELECT ... FOR UPDATE), which serialises them across instances;
-- verify also compares it with the last row, so rows cut off the end of the log are noticed.
CREATE TABLE audit_chain_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  sequence bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_chain_head (sequence, hash) VALUES (0, repeat('0', 64));

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE FUNCTION audit_chain_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sequence <> OLD.sequence + 1 THEN
    RAISE EXCEPTION 'the audit chain head only advances by one entry' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain_head_advance BEFORE UPDATE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_advance_only();
CREATE TRIGGER audit_chain_head_keep BEFORE DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Down Migration
DROP TABLE audit_chain_head;
DROP TABLE audit_log;
DROP FUNCTION audit_chain_head_advance_only();
DROP FUNCTION audit_log_refuse_change();
