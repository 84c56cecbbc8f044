-- Small per-channel JSON state that must survive restarts and be shared by
-- instances: which platform message holds which turn, hand-off announcements,
-- event ids already answered (ConversationStore.getChannelState/setChannelState).
CREATE TABLE channel_state (
  key text PRIMARY KEY,
  value json NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
