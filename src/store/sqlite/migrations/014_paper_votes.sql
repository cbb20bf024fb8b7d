
  -- A member's 👍 (1) or 👎 (-1) on a paper, per server ('*' for the command line's installation-wide votes).
  CREATE TABLE paper_votes (
    guild_id TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, paper_id, user_id)
  ) WITHOUT ROWID;
  