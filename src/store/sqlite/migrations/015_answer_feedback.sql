
  -- Feedback on /ask answers: each answer given (its question, the papers it cited, its mode) and
  -- each user's vote on it. AUTOINCREMENT so an id is never reused: an old message's buttons carry
  -- it and must not vote on a newer answer.
  CREATE TABLE given_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT,
    channel_id TEXT NOT NULL,
    question TEXT NOT NULL,
    source_ids TEXT NOT NULL DEFAULT '[]',
    mode TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE answer_votes (
    answer_id INTEGER NOT NULL REFERENCES given_answers (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    reason TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX answer_votes_created ON answer_votes (created_at);
  