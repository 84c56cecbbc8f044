-- Users deleted a moment ago (privacy requests), so that a write already under
-- way on any instance cannot bring their data back (see storage/deletion.ts).
-- Only a hash of the user id is kept, and only for minutes: rows older than
-- the tombstone window are removed by the next deletion.
CREATE TABLE deleted_users (
  user_key text PRIMARY KEY,
  deleted_at timestamptz NOT NULL
);
