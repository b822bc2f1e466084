-- +goose Up
-- One person's view (reconi users show, GET /v1/people/{email}) reads how
-- that person's messages fared: this index finds them without reading the
-- whole outbox.
CREATE INDEX outbox_user ON outbox (user_id, id) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX outbox_user;
