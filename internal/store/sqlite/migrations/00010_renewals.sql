-- +goose Up
-- After issuance, an application is of one of three kinds: new (the wizard:
-- new means), renewal (reconi means renew) or change (reconi permissions
-- grant). Applications before this migration are all new.
ALTER TABLE applications ADD COLUMN kind TEXT NOT NULL DEFAULT 'new';

-- The issued means a renewal or change is about, one row each, with the
-- request (a row of users, copied from the means' user) that carries it
-- through the application: its state is the line's. previous_expires_at is
-- the means' end date when the line was added.
CREATE TABLE application_means (
    id                  INTEGER PRIMARY KEY,
    application_id      INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    means_id            INTEGER NOT NULL REFERENCES means (id),
    user_id             INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    previous_expires_at INTEGER NOT NULL,
    UNIQUE (application_id, means_id)
);
CREATE INDEX application_means_means ON application_means (means_id);

-- One person, one means: a means linked to another organisation is a row of
-- its own (that organisation's, with its permissions) whose linked_to names
-- the means it extends (no foreign key, so that SQLite can drop the column
-- again); it ends when that means ends.
ALTER TABLE means ADD COLUMN linked_to INTEGER;
CREATE INDEX means_linked_to ON means (linked_to) WHERE linked_to IS NOT NULL;
CREATE INDEX means_links_of_application ON means (application_id) WHERE linked_to IS NOT NULL;

-- +goose Down
DROP INDEX means_links_of_application;
DROP INDEX means_linked_to;
ALTER TABLE means DROP COLUMN linked_to;
DROP TABLE application_means;
ALTER TABLE applications DROP COLUMN kind;
