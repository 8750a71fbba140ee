-- Trust policies of workload identity: a merchant lets the OpenID Connect
-- tokens of one issuer and audience whose subject and claims match be
-- exchanged for short-lived tokens. The exchange looks policies up by issuer
-- and audience across merchants, hence the index.
CREATE TABLE trust_policies (
    id          TEXT    NOT NULL PRIMARY KEY,
    merchant_id TEXT    NOT NULL REFERENCES merchants (id),
    name        TEXT    NOT NULL,
    issuer      TEXT    NOT NULL,
    audience    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    claims      TEXT    NOT NULL, -- JSON object, claim name to pattern
    role        TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    max_ttl     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (merchant_id, name)
) WITHOUT ROWID;
CREATE INDEX trust_policies_by_issuer ON trust_policies (issuer, audience);

-- A token exchanged under a policy names it, so that deleting the policy
-- revokes its tokens in the same transaction.
ALTER TABLE tokens ADD COLUMN trust_policy_id TEXT;
CREATE INDEX tokens_by_trust_policy ON tokens (trust_policy_id);
