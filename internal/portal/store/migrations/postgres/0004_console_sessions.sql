-- The PostgreSQL form of migrations/0004_console_sessions.sql.
CREATE TABLE console_sessions (
    session_key TEXT NOT NULL PRIMARY KEY,
    token_key  TEXT NOT NULL,
    via        TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
