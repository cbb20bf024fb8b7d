
  CREATE TABLE papers (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    arxiv_id TEXT UNIQUE,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    abstract TEXT NOT NULL,
    authors TEXT NOT NULL DEFAULT '[]',
    author_count INTEGER NOT NULL DEFAULT 0,
    organization TEXT,
    published_at TEXT,
    feed_date TEXT,
    upvotes INTEGER NOT NULL DEFAULT 0,
    hf_url TEXT,
    arxiv_url TEXT,
    pdf_url TEXT,
    github_url TEXT,
    project_url TEXT,
    github_stars INTEGER,
    thumbnail TEXT,
    ai_summary TEXT,
    ai_keywords TEXT NOT NULL DEFAULT '[]',
    categories TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL CHECK (source IN ('seed', 'hf', 'arxiv')),
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX papers_title_key ON papers (title_key);
  CREATE INDEX papers_feed_date ON papers (feed_date);

  CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, abstract,
    content = 'papers', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
  END;
  CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
  END;
  CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
  END;

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Every title a paper has been known by, so a renamed paper still meets its seed entry.
  CREATE TABLE paper_titles (
    title_key TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL REFERENCES papers (rowid) ON DELETE CASCADE,
    PRIMARY KEY (title_key, paper_rowid)
  ) WITHOUT ROWID;
  CREATE TRIGGER papers_title_insert AFTER INSERT ON papers BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
  END;
  CREATE TRIGGER papers_title_update AFTER UPDATE OF title_key ON papers BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
  END;
  