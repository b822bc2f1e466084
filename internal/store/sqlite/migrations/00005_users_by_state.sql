-- +goose Up
-- Users are counted per application and state (reconi status, GET
-- /v1/applications): with both columns in one index the count reads the
-- index alone, not every user row.
CREATE INDEX users_application_state ON users (application_id, state);
-- An application's users are read in pages, in ID order from a cursor:
-- this index finds a page without sorting the application's users.
CREATE INDEX users_application_id ON users (application_id, id);

-- +goose Down
DROP INDEX users_application_id;
DROP INDEX users_application_state;
