-- +goose Up
-- One index on users' email serves both of its uses: the table's unique key
-- becomes (email_key, application_id), which finds a person's rows across
-- applications (the helpdesk's `reconi users show EMAIL`) as well as one
-- application's user by email, and users_email_key (email_key), which did
-- the first, goes. Every new user then updates one index fewer. ON CONFLICT
-- (application_id, email_key) still finds the key: PostgreSQL matches an
-- arbiter index by its set of columns, not their order. The SQLite store
-- makes the same change.
ALTER TABLE users ADD CONSTRAINT users_email_key_application_id_key UNIQUE (email_key, application_id);
ALTER TABLE users DROP CONSTRAINT users_application_id_email_key_key;
DROP INDEX users_email_key;

-- +goose Down
CREATE INDEX users_email_key ON users (email_key);
ALTER TABLE users ADD CONSTRAINT users_application_id_email_key_key UNIQUE (application_id, email_key);
ALTER TABLE users DROP CONSTRAINT users_email_key_application_id_key;
