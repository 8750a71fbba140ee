-- What a run checks: CONNECTIVITY (one call) or CONFORMANCE (the documented
-- cases of its method, in order), and the cases a CONFORMANCE run decided,
-- as a JSON array (empty for CONNECTIVITY and for runs not finished).
ALTER TABLE tests ADD COLUMN suite TEXT NOT NULL DEFAULT 'CONNECTIVITY';
ALTER TABLE tests ADD COLUMN cases TEXT NOT NULL DEFAULT '[]';
