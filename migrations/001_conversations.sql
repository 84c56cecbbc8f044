-- The conversation log: one row per conversation. `record` is the whole
-- ConversationRecord (turns, feedback, hand-off, review) as the lowdb store
-- keeps it in one file; the columns beside it are its summary, kept in step on
-- every write, so review/export queries never read the records.
-- `key` is the SHA-256 of the id (ids may be longer than an index entry);
-- `id`, `channel` and `user_id` hold the values with NUL and backslash escaped
-- (PostgreSQL text cannot hold NUL). `record` is json, not jsonb: json keeps
-- the text as written, so a \u0000 inside a message is stored, not refused.
CREATE TABLE conversations (
  key text PRIMARY KEY,
  id text NOT NULL,
  channel text NOT NULL,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  turns integer NOT NULL,
  min_confidence double precision,
  fallbacks integer NOT NULL,
  feedback_up integer NOT NULL,
  feedback_down integer NOT NULL,
  handoff_state text NOT NULL,
  reviewed text,
  record json NOT NULL
);

CREATE INDEX conversations_updated_at ON conversations (updated_at DESC);
CREATE INDEX conversations_user_id ON conversations (user_id);
CREATE INDEX conversations_channel_updated_at ON conversations (channel, updated_at DESC);
CREATE INDEX conversations_handoff_open ON conversations (handoff_state) WHERE handoff_state <> 'none';
