
  -- Answers already given, keyed by question, history, model and collection version.
  CREATE TABLE answer_cache (
    key TEXT PRIMARY KEY,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  -- Written (model) answers per day, for the optional per-user and per-server budgets.
  CREATE TABLE answer_usage (
    day TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('user', 'guild')),
    subject TEXT NOT NULL,
    answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, scope, subject)
  ) WITHOUT ROWID;
  -- A counter bumped by every change to the papers: cheap to read, unlike count(*) at a million papers.
  INSERT OR IGNORE INTO meta (key, value) VALUES ('papers_version', '0');
  CREATE TRIGGER papers_version_insert AFTER INSERT ON papers BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  CREATE TRIGGER papers_version_update AFTER UPDATE ON papers BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  CREATE TRIGGER papers_version_delete AFTER DELETE ON papers BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  