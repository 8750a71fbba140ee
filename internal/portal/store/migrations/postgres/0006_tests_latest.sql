-- The PostgreSQL form of migrations/0006_tests_latest.sql.
CREATE INDEX tests_latest ON tests (merchant_id, seq);
