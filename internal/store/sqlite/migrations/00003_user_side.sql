-- +goose Up
-- The user's side: invitations, one-time codes, identification, deadlines,
-- and the outbox every email and SMS goes through.

-- When the user's current stage ends (the invitation, or the identification);
-- an open request past it is expired.
ALTER TABLE users ADD COLUMN deadline_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_deadline ON users (deadline_at) WHERE deadline_at > 0;
-- Who receives the manager's emails (receipt, confirmations).
ALTER TABLE applications ADD COLUMN manager_email TEXT NOT NULL DEFAULT '';

CREATE TABLE invitations (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE otp_codes (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_hash    TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    sent_at      INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    window_sends INTEGER NOT NULL
);

CREATE TABLE identifications (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reference    TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    completed_at INTEGER
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    -- body without secrets (links, codes): kept once the message is sent
    redacted        TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    application_id  INTEGER,
    user_id         INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- +goose Down
DROP TABLE outbox;
DROP TABLE identifications;
DROP TABLE otp_codes;
DROP TABLE invitations;
ALTER TABLE applications DROP COLUMN manager_email;
DROP INDEX users_deadline;
ALTER TABLE users DROP COLUMN deadline_at;
