-- Postings for BM25 candidates: one row per (stem, paper) with the stem's occurrences in the title and in the abstract,
-- and the paper's length (its words, as ts_rank counts them: the positions of papers.lex) copied into each of its rows,
-- so FTS5's BM25 of an OR of stems is one aggregate over those stems' postings, with no ts_rank call and no join per
-- posting. Written by the upsert that writes papers.lex, in its transaction, from the same positions (paperWords), so
-- the counts are the tsvector's: at most 256 per stem. paper_seq is papers.seq; the foreign key makes a TRUNCATE of papers
-- that forgets paper_terms fail instead of leaving postings of papers that are gone (paperbot deletes no papers, so there
-- is no index on paper_seq for a cascading delete). The INCLUDE columns let a stem's postings be read from the index alone.
CREATE TABLE paper_terms (
  stem text COLLATE "C" NOT NULL,
  paper_seq bigint NOT NULL REFERENCES papers (seq) ON DELETE CASCADE,
  tf_title integer NOT NULL,
  tf_abstract integer NOT NULL,
  words integer NOT NULL,
  PRIMARY KEY (stem, paper_seq) INCLUDE (tf_title, tf_abstract, words)
);

-- The papers already here: their postings from papers.lex (weight A is the title, B the abstract).
INSERT INTO paper_terms (stem, paper_seq, tf_title, tf_abstract, words)
SELECT u.lexeme, p.seq, cardinality(array_positions(u.weights, 'A')), cardinality(array_positions(u.weights, 'B')), l.words
FROM papers p
  CROSS JOIN LATERAL (SELECT coalesce(sum(cardinality(x.positions)), 0)::integer AS words FROM unnest(p.lex) AS x) l
  CROSS JOIN LATERAL unnest(p.lex) AS u;
