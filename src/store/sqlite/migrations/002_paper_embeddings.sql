
  -- Which papers have a dense vector, from which model and text; the vectors themselves live in
  -- vec0 tables (vec_papers_<dim>) created on first use, since their dimension depends on the model.
  CREATE TABLE paper_embeddings (
    paper_rowid INTEGER PRIMARY KEY REFERENCES papers (rowid) ON DELETE CASCADE,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    embedded_at TEXT NOT NULL
  );
  CREATE INDEX paper_embeddings_model ON paper_embeddings (model);
  