-- Runs belong to the portal process (replica) that accepted them: it claims
-- a run in the transaction that records it, and keeps its row in replicas
-- alive while it serves. A RUNNING run whose replica is no longer alive is
-- finished as interrupted by any other replica (or by the next start).
ALTER TABLE tests ADD COLUMN replica_id TEXT NOT NULL DEFAULT '';

CREATE TABLE replicas (
    id          TEXT NOT NULL PRIMARY KEY,
    started_at  TEXT NOT NULL,
    alive_until TEXT NOT NULL
) WITHOUT ROWID;
