-- The papers, as in SQLite's papers table. Papers are known by id (the arXiv id, or a slug of the title);
-- seq only orders them by arrival. The content columns hold exactly what mergePaper computes (dates as the
-- sources give them, lists as JSON text), so an upsert can tell "unchanged" by comparing them.
CREATE TABLE papers (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text COLLATE "C" PRIMARY KEY,
  arxiv_id text COLLATE "C" UNIQUE,
  title text NOT NULL,
  title_key text COLLATE "C" NOT NULL,
  abstract text NOT NULL,
  authors text NOT NULL DEFAULT '[]',
  author_count integer NOT NULL DEFAULT 0,
  organization text,
  published_at text,
  feed_date text,
  upvotes integer NOT NULL DEFAULT 0,
  hf_url text,
  arxiv_url text,
  pdf_url text,
  github_url text,
  project_url text,
  github_stars integer,
  thumbnail text,
  ai_summary text,
  ai_keywords text NOT NULL DEFAULT '[]',
  categories text NOT NULL DEFAULT '[]',
  source text NOT NULL CHECK (source IN ('seed', 'hf', 'arxiv')),
  first_seen_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX papers_feed_date ON papers (feed_date, upvotes DESC, seq);

-- Every title key a paper has had, the current one included: a renamed paper still meets its seed entry.
CREATE TABLE paper_titles (
  title_key text COLLATE "C" NOT NULL,
  paper_id text COLLATE "C" NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  PRIMARY KEY (title_key, paper_id)
);

-- One row: the papers' version (the answer cache's key), bumped in each transaction that adds or changes a
-- paper, so it changes exactly when the change becomes visible; and the count of papers and of their title
-- and abstract words, so the count and BM25's average lengths are one row read.
CREATE TABLE papers_meta (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version bigint NOT NULL DEFAULT 0,
  paper_count bigint NOT NULL DEFAULT 0,
  title_words bigint NOT NULL DEFAULT 0,
  abstract_words bigint NOT NULL DEFAULT 0
);
INSERT INTO papers_meta DEFAULT VALUES;
