
  -- paper_titles keeps the title keys of papers without an arXiv id (the only ones a feed paper
  -- merges into by title) and every key a paper had before a rename; a paper's current key is found
  -- through paper_names. An arXiv load writes one title-keyed index fewer. Rows already there stay:
  -- they still name their papers.
  DROP TRIGGER papers_index_insert;
  CREATE TRIGGER papers_index_insert AFTER INSERT ON papers
  WHEN new.arxiv_id IS NULL OR new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    INSERT OR IGNORE INTO paper_titles SELECT new.title_key, new.rowid WHERE new.arxiv_id IS NULL;
    INSERT INTO papers_fts (rowid, title, abstract) SELECT new.rowid, new.title, new.abstract WHERE new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
    INSERT INTO paper_title_words (rowid, title) SELECT new.rowid, new.title WHERE new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version' AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
  END;
  