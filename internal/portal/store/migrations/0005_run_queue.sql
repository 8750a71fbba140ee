-- Runs are queued in the database and claimed from it by any replica's
-- workers (store/queue.go): tests.replica_id is now the replica that CLAIMED
-- a run, '' for a run accepted but not claimed yet. Runs of earlier versions
-- were claimed by the replica that accepted them and keep that meaning.
-- tests.claim_seq numbers the claims, so that the merchant served least
-- recently goes first among those with as few runs in progress.
ALTER TABLE tests ADD COLUMN claim_seq INTEGER NOT NULL DEFAULT 0;

CREATE INDEX tests_queued ON tests (seq) WHERE status = 'RUNNING' AND replica_id = '';
CREATE INDEX tests_in_progress ON tests (merchant_id, replica_id) WHERE status = 'RUNNING';
CREATE INDEX tests_claims ON tests (merchant_id, claim_seq);
CREATE INDEX tests_claim_seq ON tests (claim_seq);
