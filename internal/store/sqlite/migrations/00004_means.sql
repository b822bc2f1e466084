-- +goose Up
-- After issuance: each issued user's means, with its end date, its
-- permissions (each with an end date of its own), its withdrawal, and the
-- expiry reminders already queued for it.
CREATE TABLE means (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL UNIQUE REFERENCES users (id),
    application_id  INTEGER NOT NULL REFERENCES applications (id),
    kvk             TEXT NOT NULL REFERENCES organizations (kvk),
    email_key       TEXT NOT NULL,
    level           TEXT NOT NULL,
    -- active or withdrawn; expired once the sweep saw expires_at pass (reads
    -- treat an active means past expires_at as expired before that)
    state           TEXT NOT NULL,
    issued_at       INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    withdrawn_at    INTEGER,
    withdrawn_by    TEXT NOT NULL DEFAULT '',
    withdraw_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX means_kvk ON means (kvk, id);
CREATE INDEX means_email ON means (email_key);
CREATE INDEX means_expiry ON means (expires_at) WHERE state = 'active';
-- One user's history, for reconi means show.
CREATE INDEX events_user ON events (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE means_permissions (
    id         INTEGER PRIMARY KEY,
    means_id   INTEGER NOT NULL REFERENCES means (id),
    scope      TEXT NOT NULL,
    provider   TEXT NOT NULL DEFAULT '',
    service    TEXT NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL
);
CREATE INDEX means_permissions_means ON means_permissions (means_id);

-- One row per means and reminder threshold (in days): a reminder is queued
-- once, whichever process claims the row first.
CREATE TABLE means_reminders (
    means_id  INTEGER NOT NULL REFERENCES means (id),
    days      INTEGER NOT NULL,
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (means_id, days)
);

-- Means of users issued before this migration: issued when the request
-- reached issued, for the application's validity.
INSERT INTO means (user_id, application_id, kvk, email_key, level, state, issued_at, expires_at)
SELECT u.id, u.application_id, a.kvk, u.email_key, a.level, 'active', t.issued_at,
       CAST(strftime('%s', t.issued_at / 1000000, 'unixepoch', '+' || a.validity_years || ' years') AS INTEGER) * 1000000
           + t.issued_at % 1000000
FROM users u
JOIN applications a ON a.id = u.application_id
JOIN (SELECT u2.id AS user_id,
             COALESCE((SELECT MAX(e.at) FROM events e WHERE e.user_id = u2.id AND e.to_state = 'issued'), u2.updated_at) AS issued_at
      FROM users u2 WHERE u2.state = 'issued') t ON t.user_id = u.id
WHERE u.state = 'issued'
ORDER BY u.id;

INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
SELECT m.id, 'all_services', '', '', m.expires_at
FROM means m JOIN applications a ON a.id = m.application_id
WHERE json_extract(a.permissions, '$.direct') = 1 AND json_extract(a.permissions, '$.scope') = 'all_services';

INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
SELECT m.id, 'providers', p.value, '', m.expires_at
FROM means m JOIN applications a ON a.id = m.application_id, json_each(a.permissions, '$.providers') p
WHERE json_extract(a.permissions, '$.direct') = 1 AND json_extract(a.permissions, '$.scope') = 'providers';

INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
SELECT m.id, 'services', '', s.value, m.expires_at
FROM means m JOIN applications a ON a.id = m.application_id, json_each(a.permissions, '$.services') s
WHERE json_extract(a.permissions, '$.direct') = 1 AND json_extract(a.permissions, '$.scope') = 'services';

-- +goose Down
DROP INDEX events_user;
DROP TABLE means_reminders;
DROP TABLE means_permissions;
DROP TABLE means;
