-- Feedback on /ask answers: each answer given (its question, the papers it cited, its mode) and each user's
-- vote on it. An identity column's sequence never hands out an id twice: an old message's buttons carry it
-- and must not vote on a newer answer.
CREATE TABLE given_answers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  guild_id text COLLATE "C",
  channel_id text COLLATE "C" NOT NULL,
  question text NOT NULL,
  source_ids text[] NOT NULL DEFAULT '{}',
  mode text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE answer_votes (
  answer_id bigint NOT NULL REFERENCES given_answers (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL,
  vote text NOT NULL CHECK (vote IN ('up', 'down')),
  reason text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (answer_id, user_id)
);
CREATE INDEX answer_votes_created ON answer_votes (created_at);
