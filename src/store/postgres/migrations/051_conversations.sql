-- Conversations: an /ask answer, then the thread opened from it, or a thread opened from a paper card,
-- keyed by the answer message's id until a thread takes over, then the thread's. Turns are numbered from 1.
CREATE TABLE ask_turns (
  conversation text COLLATE "C" NOT NULL,
  turn integer NOT NULL CHECK (turn > 0),
  question text NOT NULL,
  answer text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (conversation, turn)
);

-- The paper a conversation stays on.
CREATE TABLE conversation_papers (
  conversation text COLLATE "C" PRIMARY KEY,
  paper_id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL
);
