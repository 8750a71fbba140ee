-- Sessions of the web console, in the database so that any replica serves
-- any browser. A session holds no token: token_key is the hex SHA-256 digest
-- the tokens table is keyed by, checked again on every request.
CREATE TABLE console_sessions (
    session_key TEXT NOT NULL PRIMARY KEY, -- hex SHA-256 of the cookie value
    token_key  TEXT NOT NULL,
    via        TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
