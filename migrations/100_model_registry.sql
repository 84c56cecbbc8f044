-- The model registry shared by every instance (COLLOQUY_DATABASE_URL set):
-- the versions with their files, the promotion history (the last event names
-- the active version), and which instance serves which version.
CREATE TABLE model_versions (
  name text PRIMARY KEY,
  version text NOT NULL,
  created_at timestamptz NOT NULL,
  manifest jsonb NOT NULL,
  lineage jsonb,
  added_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_files (
  name text NOT NULL REFERENCES model_versions (name) ON DELETE CASCADE,
  path text NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (name, path)
);

CREATE TABLE model_events (
  id bigserial PRIMARY KEY,
  action text NOT NULL CHECK (action IN ('promote', 'rollback')),
  version text NOT NULL,
  model_version text NOT NULL,
  previous text,
  at timestamptz NOT NULL,
  note text
);

CREATE TABLE model_instances (
  instance_id text PRIMARY KEY,
  model_name text NOT NULL,
  model_version text NOT NULL,
  leader_of text[] NOT NULL DEFAULT '{}',
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now()
);
