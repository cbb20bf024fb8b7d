-- A member's 👍 (1) or 👎 (-1) on a paper, per server ('*' for the command line's installation-wide votes).
-- Ids compare byte for byte (COLLATE "C"), as in SQLite, whatever the database's locale.
CREATE TABLE paper_votes (
  guild_id text COLLATE "C" NOT NULL,
  paper_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  vote smallint NOT NULL CHECK (vote IN (-1, 1)),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (guild_id, paper_id, user_id)
);
