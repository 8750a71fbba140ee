-- The PostgreSQL form of migrations/0001_init.sql: the same tables, columns
-- and keys. Times are kept as the same fixed-width UTC text as on SQLite
-- (millisecond precision, sorting like time), so both engines give back the
-- exact instant that was answered.

CREATE TABLE merchants (
    id         TEXT NOT NULL PRIMARY KEY,
    created_at TEXT NOT NULL
);

-- Only the SHA-256 of a token is kept: a leaked database grants nothing.
CREATE TABLE tokens (
    hash        BYTEA NOT NULL PRIMARY KEY,
    merchant_id TEXT  NOT NULL REFERENCES merchants (id),
    role        TEXT  NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    name        TEXT  NOT NULL,
    created_at  TEXT  NOT NULL
);

CREATE TABLE stores (
    merchant_id              TEXT    NOT NULL REFERENCES merchants (id),
    id                       TEXT    NOT NULL,
    name                     TEXT    NOT NULL,
    store_type               TEXT    NOT NULL,
    region                   TEXT    NOT NULL,
    entry_methods            TEXT    NOT NULL, -- JSON array, in the order given
    fraud_and_abuse_strategy TEXT    NOT NULL,
    order_delegation         INTEGER NOT NULL,
    loyalty_program          INTEGER NOT NULL,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    PRIMARY KEY (merchant_id, id)
);

CREATE TABLE connectors (
    merchant_id         TEXT   NOT NULL,
    store_id            TEXT   NOT NULL,
    method              TEXT   NOT NULL,
    uid                 TEXT   NOT NULL,
    endpoint_url        TEXT   NOT NULL,
    endpoint_type       TEXT   NOT NULL,
    connectivity_status TEXT   NOT NULL,
    last_test_id        TEXT   NOT NULL DEFAULT '',
    version             BIGINT NOT NULL CHECK (version >= 1),
    created_at          TEXT   NOT NULL,
    updated_at          TEXT   NOT NULL,
    updated_by          TEXT   NOT NULL,
    PRIMARY KEY (merchant_id, store_id, method),
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);

CREATE TABLE tests (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    merchant_id       TEXT    NOT NULL,
    store_id          TEXT    NOT NULL,
    method            TEXT    NOT NULL,
    sku               TEXT    NOT NULL,
    endpoint_url      TEXT    NOT NULL,
    endpoint_type     TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    reason            TEXT    NOT NULL DEFAULT '',
    message           TEXT    NOT NULL DEFAULT '',
    http_status       INTEGER NOT NULL DEFAULT 0,
    latency_ms        BIGINT  NOT NULL DEFAULT 0,
    response_excerpt  TEXT    NOT NULL DEFAULT '',
    started_at        TEXT    NOT NULL,
    completed_at      TEXT,
    triggered_by      TEXT    NOT NULL,
    connector_uid     TEXT    NOT NULL,
    connector_version BIGINT  NOT NULL,
    idempotency_key   TEXT, -- NULL when none was sent; NULLs never collide
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);
CREATE UNIQUE INDEX tests_idempotency ON tests (merchant_id, store_id, method, idempotency_key);
CREATE INDEX tests_history ON tests (merchant_id, store_id, method, seq);
CREATE INDEX tests_running ON tests (status) WHERE status = 'RUNNING';

CREATE TABLE catalog_items (
    merchant_id  TEXT NOT NULL,
    store_id     TEXT NOT NULL,
    sku          TEXT NOT NULL,
    barcode      TEXT NOT NULL,
    barcode_type TEXT NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (merchant_id, store_id, sku),
    UNIQUE (merchant_id, store_id, barcode),
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);

CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    store_id    TEXT NOT NULL,
    method      TEXT NOT NULL DEFAULT '',
    before      TEXT, -- JSON, NULL when the object did not exist
    after       TEXT  -- JSON, NULL when the object was removed
);
CREATE INDEX audit_by_merchant ON audit_events (merchant_id, id);
CREATE INDEX audit_by_store ON audit_events (merchant_id, store_id, id);
