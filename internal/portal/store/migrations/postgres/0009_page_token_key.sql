-- The PostgreSQL form of migrations/0009_page_token_key.sql.
CREATE TABLE page_token_key (
    one     INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
    key_hex TEXT NOT NULL
);
