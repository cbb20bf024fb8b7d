
  -- The papers a group made its own: its seed page (guild '*': every server of the installation),
  -- papers added with /add and papers saved with the Save button. They are the group's profile,
  -- which ranks its daily post. Saving twice is one row.
  CREATE TABLE group_papers (
    guild_id TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('seed', 'add', 'save')),
    user_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, via, paper_id)
  ) WITHOUT ROWID;
  CREATE INDEX group_papers_recent ON group_papers (guild_id, via, created_at);
  INSERT INTO group_papers (guild_id, paper_id, via, user_id, created_at)
    SELECT '*', id, 'seed', NULL, first_seen_at FROM papers WHERE source = 'seed';
  -- How a server's daily post is ranked, and its optional interest phrases (a JSON list).
  ALTER TABLE digest_settings ADD COLUMN rank_mode TEXT NOT NULL DEFAULT 'for-us' CHECK (rank_mode IN ('for-us', 'trending'));
  ALTER TABLE digest_settings ADD COLUMN interests TEXT NOT NULL DEFAULT '[]';
  