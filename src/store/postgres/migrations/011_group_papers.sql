-- The papers a group made its own: its seed page (guild '*': every server of the installation), papers added
-- with /add and papers saved with the Save button. They are the group's profile, which ranks its daily post.
-- Saving twice is one row.
CREATE TABLE group_papers (
  guild_id text COLLATE "C" NOT NULL,
  paper_id text COLLATE "C" NOT NULL,
  via text NOT NULL CHECK (via IN ('seed', 'add', 'save')),
  user_id text COLLATE "C",
  created_at timestamptz NOT NULL,
  PRIMARY KEY (guild_id, via, paper_id)
);
CREATE INDEX group_papers_recent ON group_papers (guild_id, via, created_at);
