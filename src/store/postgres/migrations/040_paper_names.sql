-- The names papers are known by (PaperNameIndex, src/store/postgres/paperNames.ts), derived from the papers' own columns by
-- expression indexes, so every write of a paper (upsert, copyIn, a COPY bulk load) keeps them up to date with no code of its own:
-- - kind 'title', the compact key of the whole title: title_key without its spaces (SQLite's paper_names, kind 'title');
-- - kind 'short', the compact key of the name before the title's colon: paper_short_key(title), as SQLite's paper_name_keys
--   view makes it (characters 1 to 60 before the colon, common punctuation and spaces dropped, ASCII lower case; none unless
--   only letters and digits are left);
-- - the title's words: title_key's words as a tsvector (no parser, no dictionary), for word and word-prefix matches (SQLite's
--   paper_title_words; title_key has no diacritics and keeps only a-z and 0-9, so a title word in another script is not there).
-- Keys are compared as "C" (code points), as SQLite compares them.
CREATE FUNCTION paper_short_key(title text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT CASE WHEN k ~ '^[a-z0-9]+$' THEN k END
    FROM lower(translate(substr(title, 1, strpos(title, ':') - 1), ' -._&+/''()!?,*#@', '') COLLATE "C") AS k
    WHERE strpos(title, ':') BETWEEN 2 AND 61
  $$;

CREATE FUNCTION paper_title_words(title_key text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT array_to_tsvector(string_to_array(title_key, ' ')) $$;

CREATE INDEX papers_title_name ON papers ((replace(title_key, ' ', '')), seq);
CREATE INDEX papers_short_name ON papers ((paper_short_key(title) COLLATE "C"), seq);
CREATE INDEX papers_title_words ON papers USING gin (paper_title_words(title_key));
-- Autocomplete's empty prefix: the most upvoted, newest first.
CREATE INDEX papers_popular ON papers (upvotes DESC, seq DESC);
