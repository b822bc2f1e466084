-- +goose Up
-- Sending an invitation again (reconi invite resend): the same link while it
-- is valid needs the token, kept sealed (AES-GCM, key in meta
-- invitation_key) next to its hash, which is still what a link is looked up
-- by. Invitations made before this migration have none, so a resend gives
-- them a new link. Resends are limited per user and hour, like SMS codes.
ALTER TABLE invitations ADD COLUMN token_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN window_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN window_sends INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE invitations DROP COLUMN window_sends;
ALTER TABLE invitations DROP COLUMN window_start;
ALTER TABLE invitations DROP COLUMN sent_at;
ALTER TABLE invitations DROP COLUMN token_sealed;
