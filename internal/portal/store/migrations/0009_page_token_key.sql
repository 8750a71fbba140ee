-- The key that signs the API's page tokens (HMAC-SHA256, hex), one row,
-- made by the first replica that needs it: a token given out by any replica
-- on the database is accepted by every other, and a forged one by none.
CREATE TABLE page_token_key (
    one     INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
    key_hex TEXT NOT NULL
);
