
  -- Bulk loads, continued (measured per row: each trigger run and each index entry costs about as
  -- much as the row itself). papers_title_key duplicated paper_titles (which holds every title key a
  -- paper has had, the current one included) and goes. paper_titles waits for the catch-up like the
  -- search indexes, except for papers without an arXiv id: those are the only ones a later paper
  -- merges into by title alone, so they are findable at once. One insert trigger instead of two.
  -- Papers outside the daily feed (an arXiv dump: no feed date, no upvotes) get no entries in the
  -- feed-date and upvotes indexes, which only ever look for feed papers.
  DROP INDEX papers_title_key;
  DROP TRIGGER papers_title_insert;
  DROP TRIGGER papers_fts_insert;
  CREATE TRIGGER papers_index_insert AFTER INSERT ON papers
  WHEN new.arxiv_id IS NULL OR new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid) BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
    INSERT INTO papers_fts (rowid, title, abstract) SELECT new.rowid, new.title, new.abstract WHERE new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
    INSERT INTO paper_title_words (rowid, title) SELECT new.rowid, new.title WHERE new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
    INSERT OR IGNORE INTO paper_names (kind, key, paper_rowid, upvotes)
      SELECT kind, key, paper_rowid, upvotes FROM paper_name_keys WHERE paper_rowid = new.rowid AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
    UPDATE meta SET value = value + 1 WHERE key = 'papers_version' AND new.rowid <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'), new.rowid);
  END;
  -- A paper the load itself added and then renamed keeps its first title too, as row by row.
  DROP TRIGGER papers_title_update;
  CREATE TRIGGER papers_title_update AFTER UPDATE OF title_key ON papers BEGIN
    INSERT OR IGNORE INTO paper_titles VALUES (old.title_key, old.rowid);
    INSERT OR IGNORE INTO paper_titles VALUES (new.title_key, new.rowid);
  END;
  DROP INDEX papers_feed_date;
  CREATE INDEX papers_feed_date ON papers (feed_date) WHERE feed_date IS NOT NULL;
  DROP INDEX papers_upvotes;
  CREATE INDEX papers_upvotes ON papers (upvotes) WHERE upvotes > 0;
  -- FTS5 keeps new entries in memory until this many bytes (default 1 MB), then writes a segment:
  -- a catch-up step in one segment instead of dozens, a fifth less work for the index build.
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 33554432);
  