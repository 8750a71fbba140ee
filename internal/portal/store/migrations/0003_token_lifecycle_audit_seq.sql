-- Tokens get a public id (what `token list`, GET /v1/tokens and revocation
-- name; never the secret), an optional expiry, a revocation time and the
-- time of their last use. Existing tokens take their id from their hash,
-- which is what new tokens do too.
ALTER TABLE tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE tokens SET id = 'tok_' || lower(hex(substr(hash, 1, 9)));
CREATE UNIQUE INDEX tokens_by_id ON tokens (id);
CREATE INDEX tokens_by_merchant ON tokens (merchant_id, created_at);
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;

-- Audit events are numbered per merchant, 1, 2, 3, ... without gaps, so that
-- one merchant's ids tell nothing of another's activity. merchants.audit_seq
-- is the last number given out; a write takes the next one under the row's
-- lock, which also serialises concurrent writers of other engines.
ALTER TABLE merchants ADD COLUMN audit_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE audit_events SET seq = numbered.n
  FROM (SELECT id AS rid, row_number() OVER (PARTITION BY merchant_id ORDER BY id) AS n FROM audit_events) AS numbered
  WHERE audit_events.id = numbered.rid;
UPDATE merchants SET audit_seq = (SELECT coalesce(max(seq), 0) FROM audit_events WHERE merchant_id = merchants.id);
CREATE UNIQUE INDEX audit_seq_by_merchant ON audit_events (merchant_id, seq);
CREATE INDEX audit_seq_by_store ON audit_events (merchant_id, store_id, seq);
