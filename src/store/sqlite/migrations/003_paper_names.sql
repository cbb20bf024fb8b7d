
  -- Names people call a paper by, as compact keys (lower-case letters and digits only, so "Burst GPT",
  -- "burst-gpt" and "BurstGPT" meet): kind 'title' is the whole title, 'short' the name before its
  -- colon ("NanoFlow"). A short name with characters other than ASCII letters, digits and common
  -- punctuation gets no row (its title still does). Upvotes are copied in so autocomplete can rank a
  -- busy prefix from an index; src/retrieval/nameKey.ts computes the same keys in TypeScript.
  CREATE VIEW paper_name_keys AS
    SELECT rowid AS paper_rowid, 'title' AS kind, replace(title_key, ' ', '') AS key, upvotes FROM papers
    WHERE title_key <> ''
    UNION ALL
    SELECT paper_rowid, 'short', key, upvotes FROM (
      SELECT rowid AS paper_rowid, upvotes, lower(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(substr(title, 1, instr(title, ':') - 1),
        ' ', ''), '-', ''), '.', ''), '_', ''), '&', ''), '+', ''), '/', ''), '''', ''), '(', ''), ')', ''),
        '!', ''), '?', ''), ',', ''), '*', ''), '#', ''), '@', '')) AS key
      FROM papers WHERE instr(title, ':') BETWEEN 2 AND 61
    ) WHERE key <> '' AND key NOT GLOB '*[^a-z0-9]*';

  CREATE TABLE paper_names (
    kind TEXT NOT NULL CHECK (kind IN ('short', 'title')),
    key TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL,
    upvotes INTEGER NOT NULL,
    PRIMARY KEY (kind, key, paper_rowid)
  ) WITHOUT ROWID;
  CREATE INDEX paper_names_votes ON paper_names (kind, upvotes, key);
  INSERT INTO paper_names (kind, key, paper_rowid, upvotes) SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys;

  -- No foreign key: a cascade would scan paper_names by paper_rowid; the triggers delete by primary key.
  -- BEFORE triggers read the old names through the view while the row still holds them. The update
  -- triggers test for a real change because the store's UPDATE sets every column.
  CREATE TRIGGER paper_names_insert AFTER INSERT ON papers BEGIN
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
  END;
  CREATE TRIGGER paper_names_rename_old BEFORE UPDATE OF title, title_key ON papers
  WHEN old.title IS NOT new.title OR old.title_key IS NOT new.title_key BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;
  CREATE TRIGGER paper_names_rename_new AFTER UPDATE OF title, title_key ON papers
  WHEN old.title IS NOT new.title OR old.title_key IS NOT new.title_key BEGIN
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
  END;
  CREATE TRIGGER paper_names_votes AFTER UPDATE OF upvotes ON papers WHEN old.upvotes IS NOT new.upvotes BEGIN
    UPDATE paper_names SET upvotes = new.upvotes WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = new.rowid);
  END;
  CREATE TRIGGER paper_names_delete BEFORE DELETE ON papers BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;

  -- The words of each title, unstemmed, so "effic" completes "efficiency" (the porter index in
  -- papers_fts stores "effici") and a short title is not drowned by abstract matches. The prefix
  -- indexes make "s"* one doclist instead of a merge of every word starting with s. Only match
  -- and rowid order are used, never bm25: no positions, no lengths.
  CREATE VIRTUAL TABLE paper_title_words USING fts5 (
    title, content = 'papers', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0, prefix = '1 2 3'
  );
  CREATE VIRTUAL TABLE paper_title_vocab USING fts5vocab (paper_title_words, row);
  INSERT INTO paper_title_words (paper_title_words) VALUES ('rebuild');
  CREATE TRIGGER paper_title_words_insert AFTER INSERT ON papers BEGIN
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
  END;
  CREATE TRIGGER paper_title_words_delete AFTER DELETE ON papers BEGIN
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
  END;
  CREATE TRIGGER paper_title_words_update AFTER UPDATE OF title ON papers WHEN old.title IS NOT new.title BEGIN
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
  END;

  -- Autocomplete's "most upvoted, then newest" for an empty prefix.
  CREATE INDEX papers_upvotes ON papers (upvotes);
  