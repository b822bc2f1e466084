-- +goose Up
-- Users are counted per application and state (reconi status, GET
-- /v1/applications): with both columns in one index the count reads the
-- index alone, not every user row.
CREATE INDEX users_application_state ON users (application_id, state);

-- +goose Down
DROP INDEX users_application_state;
