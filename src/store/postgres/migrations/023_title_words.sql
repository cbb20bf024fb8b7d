-- The title vocabulary for spelling correction (LexicalIndexStore.titleTerms): each unstemmed title word and how many
-- papers have it in their title, as SQLite's paper_title_vocab counts them. Words are titleWords()'s
-- (src/text/queryTerms.ts): tokenize()'s words without diacritics. Kept by the upsert that changes a title, in its
-- transaction, as +1 / -1 deltas in word order (as term_stats); a row at 0 is a word no title has.
CREATE TABLE title_words (
  word text COLLATE "C" PRIMARY KEY,
  doc integer NOT NULL
);

-- Papers already here: their titles split in SQL on what is not a letter or digit, lower-cased. This is titleWords()
-- except for diacritics (kept here) and, under a "C" ctype, non-ASCII capitals (lower() leaves "Δθ" alone): on the
-- bench collection 3 of 2,414 words differ (bench retrieval --postgres). Such a word may keep a stale count when its
-- title changes; the upserts' counts are exact.
INSERT INTO title_words (word, doc)
SELECT word, count(DISTINCT p.id)
FROM papers p, regexp_split_to_table(lower(normalize(p.title, NFKC)), '[^[:alnum:]]+') AS word
WHERE word <> ''
GROUP BY word;
