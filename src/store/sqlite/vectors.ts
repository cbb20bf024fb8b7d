import { type Db, writeTransaction } from "./db.js";
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
import type { Statement } from "better-sqlite3";

/** A paper whose vector for a model is missing or was made from text that has since changed. */
export interface PendingEmbedding {
  rowid: number;
  id: string;
  title: string;
  abstract: string;
  hash: string;
}

export interface EmbeddingRow {
  rowid: number;
  /** The `contentHash` of the text the vector was made from. */
  hash: string;
  vector: ArrayLike<number>;
}

export interface VectorHit {
  rowid: number;
  /** Cosine distance: 0 is the same direction, 2 the opposite. */
  distance: number;
}

const tableFor = (dim: number) => `vec_papers_${dim}`;

function toBlob(vector: ArrayLike<number>): Buffer {
  const f32 = Float32Array.from(vector);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
}

function* pendingRows(db: Db, model: string, afterRowid: number): Generator<PendingEmbedding> {
  const rows = db
    .prepare(
      `SELECT p.rowid AS rowid, p.id AS id, p.title AS title, p.abstract AS abstract, e.content_hash AS stored
       FROM papers p LEFT JOIN paper_embeddings e ON e.paper_rowid = p.rowid
       WHERE p.rowid > ? ORDER BY p.rowid`,
    )
    .iterate(afterRowid) as IterableIterator<{ rowid: number; id: string; title: string; abstract: string; stored: string | null }>;
  // The hash covers the model too, so a paper embedded by another model is pending as well.
  for (const r of rows) {
    const hash = contentHash(model, r.title, r.abstract);
    if (hash !== r.stored) yield { rowid: r.rowid, id: r.id, title: r.title, abstract: r.abstract, hash };
  }
}

/**
 * Up to `limit` papers needing a vector from `model`, in rowid order after `afterRowid`. A caller
 * walking the backlog passes the last rowid it saw, so each paper is hashed once per walk.
 */
export function pendingEmbeddings(db: Db, model: string, limit: number, afterRowid = 0): PendingEmbedding[] {
  const out: PendingEmbedding[] = [];
  if (limit <= 0) return out;
  for (const p of pendingRows(db, model, afterRowid)) {
    out.push(p);
    if (out.length >= limit) break;
  }
  return out;
}

/** Which of the papers with these ids need a vector from `model`, in rowid order. */
export function pendingEmbeddingsOf(db: Db, model: string, ids: readonly string[]): PendingEmbedding[] {
  const out: PendingEmbedding[] = [];
  const select = db.prepare(
    `SELECT p.rowid AS rowid, p.id AS id, p.title AS title, p.abstract AS abstract, e.content_hash AS stored
     FROM papers p LEFT JOIN paper_embeddings e ON e.paper_rowid = p.rowid WHERE p.id = ?`,
  );
  for (const id of new Set(ids)) {
    const r = select.get(id) as { rowid: number; id: string; title: string; abstract: string; stored: string | null } | undefined;
    if (!r) continue;
    const hash = contentHash(model, r.title, r.abstract);
    if (hash !== r.stored) out.push({ rowid: r.rowid, id: r.id, title: r.title, abstract: r.abstract, hash });
  }
  return out.sort((a, b) => a.rowid - b.rowid);
}

export function countPendingEmbeddings(db: Db, model: string): number {
  let n = 0;
  for (const _ of pendingRows(db, model, 0)) n++;
  return n;
}

/** The vec0 table for one dimension, made on first use (its column type fixes the dimension). */
function ensureVectorTable(db: Db, dim: number): string {
  const table = tableFor(dim);
  // The trigger keeps vectors and bookkeeping in step: a replaced vector, or a deleted paper
  // (whose bookkeeping row goes by cascade), takes its vector with it.
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING vec0(embedding float[${dim}] distance_metric=cosine, model text);
     CREATE TRIGGER IF NOT EXISTS ${table}_forget AFTER DELETE ON paper_embeddings WHEN old.dim = ${dim} BEGIN
       DELETE FROM ${table} WHERE rowid = old.paper_rowid;
     END;`,
  );
  return table;
}

function tableExists(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** Stores vectors and their bookkeeping in one transaction, replacing a paper's older vector. Papers deleted meanwhile are skipped. */
export function saveEmbeddings(db: Db, model: string, rows: EmbeddingRow[], now = new Date().toISOString()): void {
  checkVectors(rows, (i) => String(rows[i]!.rowid));
  if (!rows.length) return;
  writeTransaction(db, () => {
    const forget = db.prepare("DELETE FROM paper_embeddings WHERE paper_rowid = ?");
    const note = db.prepare(
      `INSERT INTO paper_embeddings (paper_rowid, model, dim, content_hash, embedded_at)
       SELECT @rowid, @model, @dim, @hash, @now WHERE EXISTS (SELECT 1 FROM papers WHERE rowid = @rowid)`,
    );
    const inserts = new Map<number, { drop: Statement<[bigint]>; put: Statement<[bigint, Buffer, string]> }>();
    for (const r of rows) {
      const dim = r.vector.length;
      let ins = inserts.get(dim);
      if (!ins) {
        const table = ensureVectorTable(db, dim);
        ins = {
          drop: db.prepare(`DELETE FROM ${table} WHERE rowid = ?`),
          put: db.prepare(`INSERT INTO ${table} (rowid, embedding, model) VALUES (?, ?, ?)`),
        };
        inserts.set(dim, ins);
      }
      forget.run(r.rowid);
      if (note.run({ rowid: r.rowid, model, dim, hash: r.hash, now }).changes === 0) continue;
      // vec0 accepts only integer rowids, and better-sqlite3 binds a plain number as a real.
      ins.drop.run(BigInt(r.rowid));
      ins.put.run(BigInt(r.rowid), toBlob(r.vector), model);
    }
  });
}

/** The `k` papers nearest to `queryVector` among those embedded by `model`, best first; empty when there are none. */
export function vectorSearch(db: Db, model: string, queryVector: ArrayLike<number>, k: number): VectorHit[] {
  const dim = queryVector.length;
  const table = tableFor(dim);
  if (k < 1 || !validDim(dim) || !tableExists(db, table)) return [];
  return db
    .prepare(`SELECT rowid, distance FROM ${table} WHERE embedding MATCH ? AND k = ? AND model = ? ORDER BY distance`)
    .all(toBlob(queryVector), Math.min(Math.floor(k), MAX_K), model) as VectorHit[];
}

export function hasVectors(db: Db, model: string): boolean {
  return db.prepare("SELECT 1 FROM paper_embeddings WHERE model = ? LIMIT 1").get(model) !== undefined;
}

/**
 * The async `VectorStore` over SQLite's `paper_embeddings` and sqlite-vec tables, which name papers by
 * their row in `papers`: ids that are not in `papers` are never pending and their vectors are not saved.
 */
export class SqliteVectorStore implements VectorStore {
  constructor(private readonly db: Db) {}

  async pending(model: string, papers: readonly PaperToEmbed[]): Promise<PendingPaper[]> {
    if (!papers.length) return [];
    const stored = new Map(
      (
        this.db
          .prepare(
            `SELECT p.id AS id, e.content_hash AS hash FROM papers p LEFT JOIN paper_embeddings e ON e.paper_rowid = p.rowid
             WHERE p.id IN (SELECT value FROM json_each(?))`,
          )
          .all(JSON.stringify(papers.map((p) => p.id))) as { id: string; hash: string | null }[]
      ).map((r) => [r.id, r.hash]),
    );
    const out: PendingPaper[] = [];
    for (const p of papers) {
      if (!stored.has(p.id)) continue;
      const hash = contentHash(model, p.title, p.abstract);
      if (hash !== stored.get(p.id)) out.push({ id: p.id, title: p.title, abstract: p.abstract, hash });
    }
    return out;
  }

  async save(model: string, rows: readonly PaperVector[], now = new Date()): Promise<void> {
    checkVectors(rows, (i) => rows[i]!.paperId);
    const rowids = this.rowids(rows.map((r) => r.paperId));
    const known = rows.filter((r) => rowids.has(r.paperId));
    saveEmbeddings(
      this.db,
      model,
      known.map((r) => ({ rowid: rowids.get(r.paperId)!, hash: r.hash, vector: r.vector })),
      now.toISOString(),
    );
  }

  async search(model: string, query: ArrayLike<number>, k: number): Promise<PaperVectorHit[]> {
    const hits = vectorSearch(this.db, model, query, k);
    if (!hits.length) return [];
    const ids = new Map(
      (
        this.db
          .prepare("SELECT rowid, id FROM papers WHERE rowid IN (SELECT value FROM json_each(?))")
          .all(JSON.stringify(hits.map((h) => h.rowid))) as {
          rowid: number;
          id: string;
        }[]
      ).map((r) => [r.rowid, r.id]),
    );
    return hits.filter((h) => ids.has(h.rowid)).map((h) => ({ paperId: ids.get(h.rowid)!, distance: h.distance }));
  }

  async hasVectors(model: string): Promise<boolean> {
    return hasVectors(this.db, model);
  }

  /** In rowid order; `next` is the last paper's row. */
  async backlog(model: string, limit: number, after?: string): Promise<{ papers: PendingPaper[]; next?: string }> {
    const rows = pendingEmbeddings(this.db, model, limit, after ? Number(after) : 0);
    return {
      papers: rows.map((r) => ({ id: r.id, title: r.title, abstract: r.abstract, hash: r.hash })),
      next: rows.length ? String(rows.at(-1)!.rowid) : after,
    };
  }

  async countPending(model: string): Promise<number> {
    return countPendingEmbeddings(this.db, model);
  }

  private rowids(ids: readonly string[]): Map<string, number> {
    if (!ids.length) return new Map();
    const rows = this.db.prepare("SELECT id, rowid FROM papers WHERE id IN (SELECT value FROM json_each(?))").all(JSON.stringify(ids)) as {
      id: string;
      rowid: number;
    }[];
    return new Map(rows.map((r) => [r.id, r.rowid]));
  }
}
