-- The PostgreSQL form of migrations/0002_run_replicas.sql.
ALTER TABLE tests ADD COLUMN replica_id TEXT NOT NULL DEFAULT '';

CREATE TABLE replicas (
    id          TEXT NOT NULL PRIMARY KEY,
    started_at  TEXT NOT NULL,
    alive_until TEXT NOT NULL
);
