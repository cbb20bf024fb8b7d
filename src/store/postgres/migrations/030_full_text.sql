-- Full text (issue 17): what was read of each paper's PDF (or why it could not be), and its body as
-- passages with their pages. Papers are named by id. Each passage carries a generated tsvector (its section
-- weighted B, its text A, English stemming) under a GIN index: PostgreSQL's stand-in for SQLite's FTS5 table.
CREATE TABLE paper_texts (
  paper_id text COLLATE "C" PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('read', 'failed')),
  source text NOT NULL,
  pages integer,
  chars integer NOT NULL DEFAULT 0,
  problem text,
  detail text,
  references_text text,
  read_at timestamptz NOT NULL,
  used_at timestamptz NOT NULL
);
CREATE INDEX paper_texts_used ON paper_texts (used_at) WHERE status = 'read';
CREATE TABLE paper_chunks (
  paper_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  page integer NOT NULL,
  page_end integer NOT NULL,
  section text,
  text text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(section, '')), 'B') || setweight(to_tsvector('english'::regconfig, text), 'A')
  ) STORED,
  PRIMARY KEY (paper_id, seq)
);
CREATE INDEX paper_chunks_tsv ON paper_chunks USING gin (tsv);
-- Bumped whenever a text is stored or dropped: answers cached before are stale.
CREATE TABLE full_text_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL
);
INSERT INTO full_text_version (version) VALUES (0);
