-- The papers' words for full-text search. lex is written by paperbot, not by to_tsvector: its lexemes are the
-- Porter stems src/retrieval/stem.ts makes of tokenize()'s words (the 'english' configuration stems with
-- Snowball and drops stop words, so it would miss stems the re-ranker asks for). Title words carry weight A,
-- abstract words weight B, with positions, so ts_rank can weigh the title above the abstract.
ALTER TABLE papers ADD COLUMN lex tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX papers_lex ON papers USING gin (lex);

-- Document frequencies: how many papers have each stem in their title or abstract. Kept by the upsert that
-- changes a paper's words, in its transaction, as +1 / -1 deltas (so no CHECK (df >= 0): PostgreSQL checks the
-- proposed -1 row before it finds the conflict that turns it into a decrement). A row at 0 is a stem no paper has.
CREATE TABLE term_stats (
  stem text COLLATE "C" PRIMARY KEY,
  df integer NOT NULL
);
