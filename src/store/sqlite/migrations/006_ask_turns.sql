
  -- Discord threads that continue an /ask answer: their turns are the next question's history.
  CREATE TABLE ask_turns (
    conversation TEXT NOT NULL,
    turn INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation, turn)
  ) WITHOUT ROWID;
  