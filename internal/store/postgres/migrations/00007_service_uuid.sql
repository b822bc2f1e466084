-- +goose Up
-- Finer catalogue facts: each service has its ServiceUUID beside its
-- ServiceID, and says itself whether users bound to a branch can log in (the
-- provider's value becomes only the default a catalogue file falls back on).
-- Permissions of issued means are registered against the ServiceUUID.
--
-- SQL cannot derive a UUIDv5 (SHA-1) in both databases, so the UUIDs of
-- existing services and service permissions are filled in by the store right
-- after migrating (sqldb.FillServiceUUIDs): the UUIDv5 of each ServiceID,
-- what a catalogue file that gives none gets.
ALTER TABLE services ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN accepts_branch_users BIGINT NOT NULL DEFAULT 1;
UPDATE services SET accepts_branch_users =
    COALESCE((SELECT p.accepts_branch_users FROM providers p WHERE p.name = services.provider), 1);
CREATE UNIQUE INDEX services_uuid ON services (uuid) WHERE uuid <> '';

ALTER TABLE means_permissions ADD COLUMN service_uuid TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Up again must fill the UUIDs in again.
DELETE FROM meta WHERE key = 'service_uuids_filled';
ALTER TABLE means_permissions DROP COLUMN service_uuid;
DROP INDEX services_uuid;
ALTER TABLE services DROP COLUMN accepts_branch_users;
ALTER TABLE services DROP COLUMN uuid;
