import type { Logger } from "../../config/logger.js";
import {
  checkVectors,
  contentHash,
  MAX_K,
  validDim,
  type PaperToEmbed,
  type PaperVector,
  type PaperVectorHit,
  type PendingPaper,
  type VectorStore,
} from "../vectors.js";
import { inTransaction, type Pool } from "./pool.js";

/** How search finds the nearest vectors: pgvector's `<=>` in the database, or an exact scan ranked in Node. */
export type VectorSearchPath = { kind: "pgvector"; schema: string } | { kind: "scan" };

/** Rows read per query of the scan: its memory is this many vectors plus the `k` best. */
const SCAN_BATCH = 500;

/**
 * Whether the pgvector extension is there, installing it when this role may (`CREATE EXTENSION IF NOT
 * EXISTS vector`); where its package is not installed on the server, or the role may not, the scan is used.
 */
export async function detectVectorSearch(pool: Pool): Promise<VectorSearchPath> {
  try {
    await pool.query("CREATE EXTENSION IF NOT EXISTS vector");
  } catch {
    // Not available on this server, or not allowed: look whether it is there anyway (an admin may have made it).
  }
  const { rows } = await pool.query<{ schema: string }>(
    "SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'",
  );
  return rows[0] ? { kind: "pgvector", schema: rows[0].schema } : { kind: "scan" };
}

/**
 * pgvector's exact k-NN by cosine distance (`<=>`, 1 − cosine similarity, as sqlite-vec's `distance_metric=cosine`),
 * its type and operator named in the extension's schema. Not run by the tests (no server there has pgvector);
 * they check only that PostgreSQL parses it. No index: an HNSW index per dimension is a later step.
 */
export function pgvectorSearchSql(schema: string): string {
  return `SELECT paper_id, (embedding::${schema}.vector OPERATOR(${schema}.<=>) $1::${schema}.vector)::float8 AS distance
    FROM paper_embeddings WHERE model = $2 AND dim = $3
    ORDER BY distance, paper_id LIMIT $4`;
}

/**
 * Papers' dense vectors in PostgreSQL (see `VectorStore`). Open it with `PostgresVectorStore.open`, which
 * looks once for pgvector and logs which search is used. Papers are not in PostgreSQL yet, so nothing
 * removes the vector of a deleted paper here (SQLite's rows go with their paper).
 */
export class PostgresVectorStore implements VectorStore {
  constructor(
    private readonly pool: Pool,
    readonly path: VectorSearchPath,
    private readonly batchSize = SCAN_BATCH,
  ) {}

  static async open(pool: Pool, options: { logger?: Logger; batchSize?: number } = {}): Promise<PostgresVectorStore> {
    const path = await detectVectorSearch(pool);
    if (path.kind === "pgvector") options.logger?.info({ vectorSearch: "pgvector", schema: path.schema }, "vector search: pgvector");
    else options.logger?.info({ vectorSearch: "scan" }, "vector search: pgvector is not installed; exact scan in batches");
    return new PostgresVectorStore(pool, path, options.batchSize);
  }

  /**
   * Copies vectors from another store as they are (model, content hash and time kept), in one statement; a
   * paper that has a vector here already keeps it (`save` would replace it). For `paperbot copy`. Returns how
   * many were added.
   */
  async copyIn(rows: readonly (PaperVector & { model: string; embeddedAt: string })[]): Promise<number> {
    checkVectors(rows, (i) => rows[i]!.paperId);
    if (rows.length === 0) return 0;
    const r = await this.pool.query(
      `INSERT INTO paper_embeddings (paper_id, model, dim, content_hash, embedded_at, embedding)
       SELECT paper_id, model, dim, content_hash, embedded_at, ARRAY(SELECT jsonb_array_elements_text(v)::real)
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::jsonb[])
         AS r (paper_id, model, dim, content_hash, embedded_at, v)
       ON CONFLICT (paper_id) DO NOTHING`,
      [
        rows.map((x) => x.paperId),
        rows.map((x) => x.model),
        rows.map((x) => x.vector.length),
        rows.map((x) => x.hash),
        rows.map((x) => x.embeddedAt),
        rows.map((x) => JSON.stringify(Array.from(x.vector))),
      ],
    );
    return r.rowCount ?? 0;
  }

  async pending(model: string, papers: readonly PaperToEmbed[]): Promise<PendingPaper[]> {
    if (!papers.length) return [];
    const { rows } = await this.pool.query<{ paper_id: string; content_hash: string }>(
      "SELECT paper_id, content_hash FROM paper_embeddings WHERE paper_id = ANY($1::text[])",
      [papers.map((p) => p.id)],
    );
    const stored = new Map(rows.map((r) => [r.paper_id, r.content_hash]));
    const out: PendingPaper[] = [];
    for (const p of papers) {
      // The hash covers the model too, so a paper embedded by another model is pending as well.
      const hash = contentHash(model, p.title, p.abstract);
      if (hash !== stored.get(p.id)) out.push({ id: p.id, title: p.title, abstract: p.abstract, hash });
    }
    return out;
  }

  async save(model: string, rows: readonly PaperVector[], now = new Date()): Promise<void> {
    checkVectors(rows, (i) => rows[i]!.paperId);
    if (!rows.length) return;
    await inTransaction(this.pool, async (c) => {
      for (const r of rows) {
        // Stored as float32, as sqlite-vec stores them: a search ranks the same numbers on either backend.
        const vector = Array.from(Float32Array.from(r.vector));
        await c.query(
          `INSERT INTO paper_embeddings (paper_id, model, dim, content_hash, embedded_at, embedding) VALUES ($1, $2, $3, $4, $5, $6::real[])
           ON CONFLICT (paper_id) DO UPDATE SET model = excluded.model, dim = excluded.dim, content_hash = excluded.content_hash,
             embedded_at = excluded.embedded_at, embedding = excluded.embedding`,
          [r.paperId, model, vector.length, r.hash, now, vector],
        );
      }
    });
  }

  async search(model: string, query: ArrayLike<number>, k: number): Promise<PaperVectorHit[]> {
    const dim = query.length;
    if (k < 1 || !validDim(dim)) return [];
    const limit = Math.min(Math.floor(k), MAX_K);
    const q = Float32Array.from(query);
    if (this.path.kind === "pgvector") {
      const { rows } = await this.pool.query<{ paper_id: string; distance: number }>(pgvectorSearchSql(this.path.schema), [
        `[${q.join(",")}]`,
        model,
        dim,
        limit,
      ]);
      return rows.map((r) => ({ paperId: r.paper_id, distance: r.distance }));
    }
    return this.scan(model, q, limit);
  }

  /** Exact k-NN: every vector of `model` with the query's length, read `batchSize` at a time in id order, keeping the `k` nearest. */
  private async scan(model: string, q: Float32Array, k: number): Promise<PaperVectorHit[]> {
    const qNorm = Math.sqrt(dot(q, q));
    const best: PaperVectorHit[] = [];
    let after = "";
    for (;;) {
      const { rows } = await this.pool.query<{ paper_id: string; embedding: number[] }>(
        `SELECT paper_id, embedding FROM paper_embeddings WHERE model = $1 AND dim = $2 AND paper_id > $3 ORDER BY paper_id LIMIT $4`,
        [model, q.length, after, this.batchSize],
      );
      for (const r of rows) {
        const distance = 1 - dot(q, r.embedding) / (qNorm * Math.sqrt(dot(r.embedding, r.embedding)));
        // A zero vector has no direction: no distance to rank it by.
        if (Number.isNaN(distance)) continue;
        if (best.length === k && !closer(distance, r.paper_id, best[k - 1]!)) continue;
        let i = best.length;
        while (i > 0 && closer(distance, r.paper_id, best[i - 1]!)) i--;
        best.splice(i, 0, { paperId: r.paper_id, distance });
        if (best.length > k) best.pop();
      }
      if (rows.length < this.batchSize) return best;
      after = rows.at(-1)!.paper_id;
    }
  }

  async hasVectors(model: string): Promise<boolean> {
    const r = await this.pool.query("SELECT 1 FROM paper_embeddings WHERE model = $1 LIMIT 1", [model]);
    return (r.rowCount ?? 0) > 0;
  }

  /** In arrival order (papers.seq), reading `batchSize` papers a query and hashing each; `next` is the last pending paper's seq. */
  async backlog(model: string, limit: number, after?: string): Promise<{ papers: PendingPaper[]; next?: string }> {
    const papers: PendingPaper[] = [];
    let from = after ?? "0";
    let next = after;
    while (papers.length < limit) {
      const rows = await this.pendingAfter(model, from);
      for (const r of rows.pending) {
        papers.push(r.paper);
        next = r.seq;
        if (papers.length >= limit) break;
      }
      if (rows.done) break;
      if (papers.length < limit) from = rows.last;
    }
    return { papers, next };
  }

  async countPending(model: string): Promise<number> {
    let n = 0;
    for (let from = "0"; ; ) {
      const rows = await this.pendingAfter(model, from);
      n += rows.pending.length;
      if (rows.done) return n;
      from = rows.last;
    }
  }

  /** The next `batchSize` papers after seq `from`: those pending for `model`, the last seq read, and whether that was the end. */
  private async pendingAfter(model: string, from: string): Promise<{ pending: { seq: string; paper: PendingPaper }[]; last: string; done: boolean }> {
    const { rows } = await this.pool.query<{ seq: string; id: string; title: string; abstract: string; stored: string | null }>(
      `SELECT p.seq, p.id, p.title, p.abstract, e.content_hash AS stored FROM papers p LEFT JOIN paper_embeddings e ON e.paper_id = p.id
       WHERE p.seq > $1 ORDER BY p.seq LIMIT $2`,
      [from, this.batchSize],
    );
    const pending: { seq: string; paper: PendingPaper }[] = [];
    for (const r of rows) {
      // The hash covers the model too, so a paper embedded by another model is pending as well.
      const hash = contentHash(model, r.title, r.abstract);
      if (hash !== r.stored) pending.push({ seq: r.seq, paper: { id: r.id, title: r.title, abstract: r.abstract, hash } });
    }
    return { pending, last: rows.at(-1)?.seq ?? from, done: rows.length < this.batchSize };
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Nearer first; at equal distance, the lower id (the order the scan reads in). */
const closer = (distance: number, paperId: string, than: PaperVectorHit) =>
  distance < than.distance || (distance === than.distance && paperId < than.paperId);
