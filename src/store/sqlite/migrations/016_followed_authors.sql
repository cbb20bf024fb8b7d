
  -- Followed authors: a paper by one of them that is new in the day's feed is posted first. One row
  -- per server (or '*', the whole installation) and name key (lower-case, accent-free words).
  CREATE TABLE followed_authors (
    guild_id TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, name_key)
  ) WITHOUT ROWID;
  