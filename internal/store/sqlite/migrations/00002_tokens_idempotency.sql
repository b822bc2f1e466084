-- +goose Up
-- API tokens of `reconi serve`: only a SHA-256 hash of each token is kept.
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    orgs       TEXT NOT NULL DEFAULT '[]',
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- The first answer to each Idempotency-Key, per token, so a retried request
-- is answered again instead of being done twice. state is 'pending' while
-- the first request runs.
CREATE TABLE idempotency_keys (
    token_id    INTEGER NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state       TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    body        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (token_id, key)
);

-- The key a pipeline gave `reconi apply --idempotency-key`: submitting the
-- same application again with it answers with the application instead of a
-- conflict.
ALTER TABLE applications ADD COLUMN submit_key TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE applications DROP COLUMN submit_key;
DROP TABLE idempotency_keys;
DROP TABLE tokens;
