-- GET /v1/tests?limit= lists a merchant's latest runs (store.RecentTests):
-- without this index it walks every merchant's runs backwards, which is slow
-- for a small merchant among busy ones.
CREATE INDEX tests_latest ON tests (merchant_id, seq);
