-- The PostgreSQL form of migrations/0010_trust_policies.sql.
CREATE TABLE trust_policies (
    id          TEXT    NOT NULL PRIMARY KEY,
    merchant_id TEXT    NOT NULL REFERENCES merchants (id),
    name        TEXT    NOT NULL,
    issuer      TEXT    NOT NULL,
    audience    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    claims      TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    max_ttl     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (merchant_id, name)
);
CREATE INDEX trust_policies_by_issuer ON trust_policies (issuer, audience);

ALTER TABLE tokens ADD COLUMN trust_policy_id TEXT;
CREATE INDEX tokens_by_trust_policy ON tokens (trust_policy_id);
