-- +goose Up
-- Times are integer microseconds since the epoch (UTC); booleans are 0/1;
-- documents (permissions, quotes, price lists) are JSON text.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organizations (
    kvk        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE branches (
    number TEXT PRIMARY KEY,
    kvk    TEXT NOT NULL REFERENCES organizations (kvk),
    name   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX branches_kvk ON branches (kvk);

CREATE TABLE providers (
    name                 TEXT PRIMARY KEY,
    oin                  TEXT NOT NULL UNIQUE,
    accepts_branch_users INTEGER NOT NULL
);

CREATE TABLE services (
    id       TEXT PRIMARY KEY,
    provider TEXT NOT NULL REFERENCES providers (name),
    name     TEXT NOT NULL,
    level    TEXT NOT NULL
);

CREATE TABLE price_lists (
    id         INTEGER PRIMARY KEY,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE applications (
    id             INTEGER PRIMARY KEY,
    state          TEXT NOT NULL,
    kvk            TEXT NOT NULL REFERENCES organizations (kvk),
    level          TEXT NOT NULL,
    branch         TEXT NOT NULL DEFAULT '',
    permissions    TEXT,
    validity_years INTEGER NOT NULL DEFAULT 0,
    quote          TEXT,
    terms_version  TEXT,
    agreed_by      TEXT,
    agreed_at      INTEGER,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    submitted_at   INTEGER
);
CREATE INDEX applications_kvk ON applications (kvk);

CREATE TABLE users (
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
    UNIQUE (application_id, email_key)
);
CREATE INDEX users_email_key ON users (email_key);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id        INTEGER,
    email          TEXT NOT NULL DEFAULT '',
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    at             INTEGER NOT NULL
);
CREATE INDEX events_application ON events (application_id, id);

-- +goose Down
DROP TABLE events;
DROP TABLE users;
DROP TABLE applications;
DROP TABLE price_lists;
DROP TABLE services;
DROP TABLE providers;
DROP TABLE branches;
DROP TABLE organizations;
DROP TABLE meta;
