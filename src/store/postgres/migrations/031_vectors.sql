-- Papers' dense vectors, one per paper (from the model that embedded it last), named by paper id. They are
-- kept as real[] whether or not the pgvector extension is installed: with it, search casts them to its
-- vector type and uses its cosine distance; without it, paperbot scans them in batches and ranks in Node.
CREATE TABLE paper_embeddings (
  paper_id text COLLATE "C" PRIMARY KEY,
  model text NOT NULL,
  dim integer NOT NULL CHECK (dim BETWEEN 1 AND 8192),
  content_hash text NOT NULL,
  embedded_at timestamptz NOT NULL,
  embedding real[] NOT NULL CHECK (cardinality(embedding) = dim)
);
CREATE INDEX paper_embeddings_model ON paper_embeddings (model, dim, paper_id);
