import type { Db } from "../db.js";
import {
  checkVectors,
  contentHash,
  countPendingEmbeddings,
  hasVectors,
  pendingEmbeddings,
  saveEmbeddings,
  vectorSearch,
  type PaperToEmbed,
  type PaperVector,
  type PaperVectorHit,
  type PendingPaper,
  type VectorStore,
} from "../vectors.js";

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
