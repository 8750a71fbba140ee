-- The PostgreSQL form of migrations/0003_token_lifecycle_audit_seq.sql.
ALTER TABLE tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE tokens SET id = 'tok_' || encode(substring(hash from 1 for 9), 'hex');
CREATE UNIQUE INDEX tokens_by_id ON tokens (id);
CREATE INDEX tokens_by_merchant ON tokens (merchant_id, created_at);
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;

-- A write takes the merchant's next number with UPDATE ... RETURNING: the
-- row lock orders the writers of one merchant (READ COMMITTED re-reads the
-- row after the lock), so each gets the next number.
ALTER TABLE merchants ADD COLUMN audit_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE audit_events SET seq = numbered.n
  FROM (SELECT id AS rid, row_number() OVER (PARTITION BY merchant_id ORDER BY id) AS n FROM audit_events) AS numbered
  WHERE audit_events.id = numbered.rid;
UPDATE merchants SET audit_seq = (SELECT coalesce(max(seq), 0) FROM audit_events WHERE merchant_id = merchants.id);
CREATE UNIQUE INDEX audit_seq_by_merchant ON audit_events (merchant_id, seq);
CREATE INDEX audit_seq_by_store ON audit_events (merchant_id, store_id, seq);
