-- Channel state may expire (dedupe ids after an hour, message→turn maps after
-- days): expired keys read as unset and are deleted now and then.
ALTER TABLE channel_state ADD COLUMN expires_at timestamptz;
CREATE INDEX channel_state_expires_at ON channel_state (expires_at) WHERE expires_at IS NOT NULL;
