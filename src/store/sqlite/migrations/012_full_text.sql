
  -- Full text (issue 17): what was read of each paper's PDF (or why it could not be), and its body
  -- as passages with their pages, in a full-text index of their own. Papers are named by id, so a
  -- text survives its paper's row being rewritten by a merge.
  CREATE TABLE paper_texts (
    paper_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('read', 'failed')),
    source TEXT NOT NULL,
    pages INTEGER,
    chars INTEGER NOT NULL DEFAULT 0,
    problem TEXT,
    detail TEXT,
    references_text TEXT,
    read_at TEXT NOT NULL,
    used_at TEXT NOT NULL
  );
  CREATE INDEX paper_texts_used ON paper_texts (used_at) WHERE status = 'read';
  CREATE TABLE paper_chunks (
    rowid INTEGER PRIMARY KEY,
    paper_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section TEXT,
    text TEXT NOT NULL
  );
  CREATE INDEX paper_chunks_paper ON paper_chunks (paper_id, seq);
  CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    section, text,
    content = 'paper_chunks', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER paper_chunks_insert AFTER INSERT ON paper_chunks BEGIN
    INSERT INTO chunks_fts (rowid, section, text) VALUES (new.rowid, new.section, new.text);
  END;
  CREATE TRIGGER paper_chunks_delete AFTER DELETE ON paper_chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, section, text) VALUES ('delete', old.rowid, old.section, old.text);
  END;
  