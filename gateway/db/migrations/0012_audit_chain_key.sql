-- Up Migration
-- The audit chain becomes keyed (HMAC-SHA256 under DX_AUDIT_KEY, docs/decisions/0016-audit-chain-key.md). Entries
-- written before stay as they were, chain version 1 (plain SHA-256), and verify as before; every entry from
-- audit_chain_head.keyed_from on is version 2. Adding a column fires no row trigger, so the append-only rule holds.
ALTER TABLE audit_log ADD COLUMN chain_version smallint NOT NULL DEFAULT 1 CHECK (chain_version IN (1, 2));
-- Existing rows keep 1; the gateway names the version of every new row itself.
ALTER TABLE audit_log ALTER COLUMN chain_version DROP DEFAULT;
-- The first keyed entry; null until one is written.
ALTER TABLE audit_chain_head ADD COLUMN keyed_from bigint;

-- Down Migration
ALTER TABLE audit_chain_head DROP COLUMN keyed_from;
ALTER TABLE audit_log DROP COLUMN chain_version;
