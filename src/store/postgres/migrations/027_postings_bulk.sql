-- Postings without their foreign key to papers: its check is a lookup per posting (about 150 a paper), which took
-- 70% of a bulk load's time writing postings (3.1 of 4.5 s for 2,000 papers' 296,000 postings). paperbot deletes no
-- papers; a TRUNCATE of papers must name paper_terms too (as the tests' does), or the postings of papers that are gone
-- stay behind.
ALTER TABLE paper_terms DROP CONSTRAINT paper_terms_paper_seq_fkey;
