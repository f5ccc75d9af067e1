-- Up Migration
-- The audit key can be rotated (DX_AUDIT_KEY_PREVIOUS, docs/decisions/0024-audit-key-rotation.md). The head names
-- the key (its id, gateway/audit/chain.ts) that appends now, so an instance still running with the previous key
-- after another has rotated refuses to append rather than break the chain. Null until the next append.
ALTER TABLE audit_chain_head ADD COLUMN key_id text;

-- Down Migration
ALTER TABLE audit_chain_head DROP COLUMN key_id;
