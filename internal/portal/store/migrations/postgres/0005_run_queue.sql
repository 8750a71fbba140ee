-- The PostgreSQL form of migrations/0005_run_queue.sql.
ALTER TABLE tests ADD COLUMN claim_seq BIGINT NOT NULL DEFAULT 0;

CREATE INDEX tests_queued ON tests (seq) WHERE status = 'RUNNING' AND replica_id = '';
CREATE INDEX tests_in_progress ON tests (merchant_id, replica_id) WHERE status = 'RUNNING';
CREATE INDEX tests_claims ON tests (merchant_id, claim_seq);
CREATE INDEX tests_claim_seq ON tests (claim_seq);
