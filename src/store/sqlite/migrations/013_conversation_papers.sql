
  -- The paper a conversation stays on: a thread opened from a paper card's "Ask about this paper",
  -- or an /ask answer given from one paper (and the thread opened from it).
  CREATE TABLE conversation_papers (
    conversation TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  