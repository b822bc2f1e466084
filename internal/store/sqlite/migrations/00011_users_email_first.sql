-- +goose NO TRANSACTION
-- +goose Up
-- One index on users' email serves both of its uses: the table's unique key
-- becomes (email_key, application_id), which finds a person's rows across
-- applications (the helpdesk's `reconi users show EMAIL`) as well as one
-- application's user by email, and users_email_key (email_key), which did
-- the first, goes. Every new user then updates four indexes, not five: an
-- import of 100,000 rows is about 13 % faster (docs/benchmarks.md).
--
-- SQLite cannot change a table's constraint in place: the table is rebuilt,
-- the way https://www.sqlite.org/lang_altertable.html#otheralter says.
-- Foreign keys are off while users is dropped and its copy renamed, or the
-- drop would delete every row that references a user (ON DELETE CASCADE);
-- the pragma has no effect inside a transaction, so this migration runs
-- without goose's and opens its own. The rows keep their IDs, so every
-- reference stays valid. Run again after a crash between COMMIT and goose's
-- record of it, it rebuilds the same table.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    phone          TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL DEFAULT '',
    employed       INTEGER NOT NULL,
    state          TEXT NOT NULL,
    import_line    INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    deadline_at    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (email_key, application_id)
);
INSERT INTO users_new (id, application_id, email, email_key, first_name, last_name, phone,
    date_of_birth, employed, state, import_line, updated_at, deadline_at)
SELECT id, application_id, email, email_key, first_name, last_name, phone,
    date_of_birth, employed, state, import_line, updated_at, deadline_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_deadline ON users (deadline_at) WHERE deadline_at > 0;
CREATE INDEX users_application_state ON users (application_id, state);
CREATE INDEX users_application_id ON users (application_id, id);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_old (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    phone          TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL DEFAULT '',
    employed       INTEGER NOT NULL,
    state          TEXT NOT NULL,
    import_line    INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    deadline_at    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (application_id, email_key)
);
INSERT INTO users_old (id, application_id, email, email_key, first_name, last_name, phone,
    date_of_birth, employed, state, import_line, updated_at, deadline_at)
SELECT id, application_id, email, email_key, first_name, last_name, phone,
    date_of_birth, employed, state, import_line, updated_at, deadline_at FROM users;
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;
CREATE INDEX users_email_key ON users (email_key);
CREATE INDEX users_deadline ON users (deadline_at) WHERE deadline_at > 0;
CREATE INDEX users_application_state ON users (application_id, state);
CREATE INDEX users_application_id ON users (application_id, id);
COMMIT;
PRAGMA foreign_keys = ON;
