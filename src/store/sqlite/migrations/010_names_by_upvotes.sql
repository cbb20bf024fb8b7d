
  -- Names by upvotes hold only upvoted papers, as papers_upvotes does: the others (every paper of an
  -- arXiv dump) are read in key order from the primary key, so a bulk load writes one index of titles
  -- fewer (at a million papers, a tenth of its catch-up).
  DROP INDEX paper_names_votes;
  CREATE INDEX paper_names_votes ON paper_names (kind, upvotes, key) WHERE upvotes > 0;
  