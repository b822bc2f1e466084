-- +goose Up
-- What a pipeline's `reconi apply --idempotency-key` asked for, kept with
-- the key: the same key with another request is refused, not submitted as
-- a second application. The index finds an organisation's application by
-- its key.
ALTER TABLE applications ADD COLUMN submit_fingerprint TEXT NOT NULL DEFAULT '';
CREATE INDEX applications_submit_key ON applications (kvk, submit_key) WHERE submit_key <> '';

-- +goose Down
DROP INDEX applications_submit_key;
ALTER TABLE applications DROP COLUMN submit_fingerprint;
