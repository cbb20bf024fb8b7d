-- Answers already given (written answers, comparisons, TL;DRs, rewrites, judgements), keyed by a hash of
-- everything that shapes them, the papers' version among them. result is the answer as JSON text, as in SQLite.
-- Entries older than 30 days are deleted when one is written.
CREATE TABLE answer_cache (
  key text COLLATE "C" PRIMARY KEY,
  result text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX answer_cache_created ON answer_cache (created_at);
