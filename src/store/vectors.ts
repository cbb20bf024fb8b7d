import type { Statement } from "better-sqlite3";
import { createHash } from "node:crypto";
import { writeTransaction, type Db } from "./db.js";

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

/** sqlite-vec's limits on a vector's length and on the k of one query (PostgreSQL keeps the same). */
export const MAX_DIM = 8192;
export const MAX_K = 4096;

/** A paper to embed, as the paper store has it. */
export interface PaperToEmbed {
  id: string;
  title: string;
  abstract: string;
}

/** A paper whose vector for a model is missing, another model's, or made from text that has since changed. */
export interface PendingPaper extends PaperToEmbed {
  /** `contentHash(model, title, abstract)`: saved with the vector. */
  hash: string;
}

export interface PaperVector {
  paperId: string;
  /** The `contentHash` of the text the vector was made from. */
  hash: string;
  vector: ArrayLike<number>;
}

export interface PaperVectorHit {
  paperId: string;
  /** Cosine distance: 0 is the same direction, 2 the opposite. */
  distance: number;
}

/**
 * Papers' dense vectors, in either store (SQLite or PostgreSQL), named by paper id. A paper holds one
 * vector, from the model that embedded it last: saving another model's vector replaces it, and the paper
 * is then pending for the first model again.
 */
export interface VectorStore {
  /** Which of `papers` need a vector from `model`, in the order given. */
  pending(model: string, papers: readonly PaperToEmbed[]): Promise<PendingPaper[]>;
  /** Stores vectors in one transaction, replacing the papers' older ones; throws on a bad length or a non-finite number. */
  save(model: string, rows: readonly PaperVector[], now?: Date): Promise<void>;
  /** The `k` papers nearest to `query` among those embedded by `model`, nearest first; empty when there are none. */
  search(model: string, query: ArrayLike<number>, k: number): Promise<PaperVectorHit[]>;
  hasVectors(model: string): Promise<boolean>;
  /**
   * A walk over every paper needing a vector from `model`, in the order papers were added: up to `limit` of them after
   * the place `after` (a `next` of the previous call; none to start), and where the next call goes on from.
   */
  backlog(model: string, limit: number, after?: string): Promise<{ papers: PendingPaper[]; next?: string }>;
  /** How many papers need a vector from `model` (each paper's text hashed: a walk over them all). */
  countPending(model: string): Promise<number>;
}

/** Throws unless every vector has a length sqlite-vec takes and only finite numbers. */
export function checkVectors(rows: readonly { vector: ArrayLike<number> }[], name: (i: number) => string): void {
  rows.forEach((r, i) => {
    if (!validDim(r.vector.length)) throw new Error(`a vector of length ${r.vector.length} (expected 1 to ${MAX_DIM})`);
    for (let j = 0; j < r.vector.length; j++)
      if (!Number.isFinite(r.vector[j])) throw new Error(`the vector for paper ${name(i)} is not all finite numbers`);
  });
}

export function contentHash(model: string, title: string, abstract: string): string {
  return createHash("sha256")
    .update(JSON.stringify([model, title, abstract]))
    .digest("hex");
}

const tableFor = (dim: number) => `vec_papers_${dim}`;
export const validDim = (dim: number) => Number.isInteger(dim) && dim >= 1 && dim <= MAX_DIM;

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
