-- Followed authors: one row per server (or '*', the whole installation) and name key (lower-case, accent-free words).
CREATE TABLE followed_authors (
  guild_id text COLLATE "C" NOT NULL,
  name_key text COLLATE "C" NOT NULL,
  name text NOT NULL,
  user_id text COLLATE "C",
  created_at timestamptz NOT NULL,
  PRIMARY KEY (guild_id, name_key)
);
