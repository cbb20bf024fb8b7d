
  -- Bulk loads (src/store/bulkIndex.ts) leave the search and name indexes to one set-based catch-up:
  -- while meta 'indexed_through' is set, papers with a rowid above it are not in papers_fts,
  -- paper_title_words or paper_names yet, and these triggers leave them alone. Without the key
  -- (the usual case) every paper is indexed row by row as before. The key is written in the same
  -- transaction as the rows it covers, so a load that dies leaves it behind and the next open
  -- finishes the job.
  DROP TRIGGER papers_fts_insert;
  DROP TRIGGER papers_fts_delete;
  DROP TRIGGER papers_fts_update;
  DROP TRIGGER paper_names_insert;
  DROP TRIGGER paper_names_rename_old;
  DROP TRIGGER paper_names_rename_new;
  DROP TRIGGER paper_names_votes;
  DROP TRIGGER paper_names_delete;
  DROP TRIGGER paper_title_words_insert;
  DROP TRIGGER paper_title_words_delete;
  DROP TRIGGER paper_title_words_update;
  DROP TRIGGER papers_version_insert;

  CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers
  WHEN new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version';
  END;
  CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers
  WHEN old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
  END;
  CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers
  WHEN old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO papers_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
  END;
  CREATE TRIGGER paper_names_rename_old BEFORE UPDATE OF title, title_key ON papers
  WHEN (old.title IS NOT new.title OR old.title_key IS NOT new.title_key)
    AND old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;
  CREATE TRIGGER paper_names_rename_new AFTER UPDATE OF title, title_key ON papers
  WHEN (old.title IS NOT new.title OR old.title_key IS NOT new.title_key)
    AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid;
  END;
  CREATE TRIGGER paper_names_votes AFTER UPDATE OF upvotes ON papers
  WHEN old.upvotes IS NOT new.upvotes
    AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    UPDATE paper_names SET upvotes = new.upvotes WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = new.rowid);
  END;
  CREATE TRIGGER paper_names_delete BEFORE DELETE ON papers
  WHEN old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    DELETE FROM paper_names WHERE (kind, key, paper_rowid) IN
      (SELECT kind, key, paper_rowid FROM paper_name_keys WHERE paper_rowid = old.rowid);
  END;
  CREATE TRIGGER paper_title_words_update AFTER UPDATE OF title ON papers
  WHEN old.title IS NOT new.title
    AND old.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), old.rowid) BEGIN
    INSERT INTO paper_title_words (paper_title_words, rowid, title) VALUES ('delete', old.rowid, old.title);
    INSERT INTO paper_title_words (rowid, title) VALUES (new.rowid, new.title);
  END;
  