import { ftsOrQuery } from "../../text/queryTerms.js";
import { type Db, writeTransaction } from "./db.js";
import { type FullTextChunks, type ReadText, type StoredChunk, type TextSource, type TextStatus, toChunk, type ChunkRow } from "../fullText.js";
import { sanitizeText } from "../../text/userText.js";

interface TextRow {
  status: "read" | "failed";
  source: TextSource;
  pages: number | null;
  chars: number;
  problem: string | null;
  detail: string | null;
  read_at: string;
}

/**
 * Papers' full texts: the passages read from each PDF (searchable through their own full-text
 * index), the references kept apart, and the outcome of every attempt, so a PDF that failed is not
 * fetched again in a loop. Re-reading a paper replaces its passages.
 */
export class FullTextStore {
  constructor(private readonly db: Db) {}

  status(paperId: string): TextStatus | undefined {
    const r = this.db.prepare("SELECT status, source, pages, chars, problem, detail, read_at FROM paper_texts WHERE paper_id = ?").get(paperId) as
      | TextRow
      | undefined;
    if (!r) return undefined;
    return r.status === "read"
      ? { status: "read", source: r.source, pages: r.pages ?? 0, chars: r.chars, readAt: r.read_at }
      : { status: "failed", source: r.source, problem: r.problem ?? "failed", detail: r.detail ?? "", readAt: r.read_at };
  }

  /** The ids among `paperIds` whose text is in. */
  withText(paperIds: readonly string[]): Set<string> {
    if (!paperIds.length) return new Set();
    const rows = this.db
      .prepare(`SELECT paper_id FROM paper_texts WHERE status = 'read' AND paper_id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(JSON.stringify(paperIds)) as string[];
    return new Set(rows);
  }

  /** Stores what was read of a paper's PDF, replacing any earlier text of it. */
  save(paperId: string, text: ReadText, source: TextSource, now = new Date()): void {
    const at = now.toISOString();
    // A PDF's text is outside text like any other: no control, bidi or invisible characters reach answers.
    const chunks = text.chunks.map((c) => ({ ...c, text: sanitizeText(c.text), section: c.section && sanitizeText(c.section) }));
    const references = text.references && sanitizeText(text.references);
    const chars = chunks.reduce((n, c) => n + c.text.length, 0) + (references?.length ?? 0);
    writeTransaction(this.db, () => {
      this.db.prepare("DELETE FROM paper_chunks WHERE paper_id = ?").run(paperId);
      const insert = this.db.prepare("INSERT INTO paper_chunks (paper_id, seq, page, page_end, section, text) VALUES (?, ?, ?, ?, ?, ?)");
      chunks.forEach((c, seq) => insert.run(paperId, seq, c.page, c.pageEnd, c.section || null, c.text));
      this.db
        .prepare(
          `INSERT OR REPLACE INTO paper_texts (paper_id, status, source, pages, chars, problem, detail, references_text, read_at, used_at)
           VALUES (?, 'read', ?, ?, ?, NULL, NULL, ?, ?, ?)`,
        )
        .run(paperId, source, text.pageCount, chars, references ?? null, at, at);
      this.bump();
    });
  }

  /** Records why a paper's text could not be read; a text read before stays. */
  recordFailure(paperId: string, source: TextSource, problem: string, detail: string, now = new Date()): void {
    const at = now.toISOString();
    this.db
      .prepare(
        `INSERT INTO paper_texts (paper_id, status, source, problem, detail, read_at, used_at) VALUES (?, 'failed', ?, ?, ?, ?, ?)
         ON CONFLICT (paper_id) DO UPDATE SET source = excluded.source, problem = excluded.problem, detail = excluded.detail,
           read_at = excluded.read_at WHERE status = 'failed'`,
      )
      .run(paperId, source, problem, detail, at, at);
  }

  chunks(paperId: string): StoredChunk[] {
    return (this.db.prepare("SELECT * FROM paper_chunks WHERE paper_id = ? ORDER BY seq").all(paperId) as ChunkRow[]).map(toChunk);
  }

  /** The passages of every stored text that match any of `ftsQuery`'s terms, best first by FTS5's BM25. */
  searchAll(ftsQuery: string, limit: number): (StoredChunk & { score: number })[] {
    if (!ftsQuery) return [];
    const rows = this.db
      .prepare(
        `SELECT c.*, -bm25(chunks_fts, 0.5, 1.0) AS score FROM chunks_fts f JOIN paper_chunks c ON c.rowid = f.rowid
         WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 0.5, 1.0) LIMIT ?`,
      )
      .all(ftsQuery, limit) as (ChunkRow & { score: number })[];
    return rows.map((r) => ({ ...toChunk(r), score: r.score }));
  }

  /** Marks texts as used now: the cap drops the least recently used first. */
  touch(paperIds: readonly string[], now = new Date()): void {
    if (!paperIds.length) return;
    this.db
      .prepare("UPDATE paper_texts SET used_at = ? WHERE status = 'read' AND paper_id IN (SELECT value FROM json_each(?))")
      .run(now.toISOString(), JSON.stringify(paperIds));
  }

  totalChars(): number {
    return this.db.prepare("SELECT coalesce(sum(chars), 0) FROM paper_texts WHERE status = 'read'").pluck().get() as number;
  }

  /**
   * Keeps the stored texts within `maxChars`: drops the least recently used texts of papers that are
   * no group's own first, then, only if still over, the least recently used of the rest; never
   * `keep` (the text just stored). Returns the ids dropped.
   */
  enforceCap(maxChars: number, keep?: string): string[] {
    return writeTransaction(this.db, () => {
      let total = this.totalChars();
      if (total <= maxChars) return [];
      const order = this.db
        .prepare(
          `SELECT paper_id, chars FROM paper_texts t WHERE status = 'read'
           ORDER BY EXISTS (SELECT 1 FROM group_papers g WHERE g.paper_id = t.paper_id), used_at, paper_id`,
        )
        .all() as { paper_id: string; chars: number }[];
      const dropped: string[] = [];
      for (const { paper_id, chars } of order) {
        if (total <= maxChars) break;
        if (paper_id === keep) continue;
        this.drop(paper_id);
        dropped.push(paper_id);
        total -= chars;
      }
      return dropped;
    });
  }

  private drop(paperId: string): void {
    this.db.prepare("DELETE FROM paper_chunks WHERE paper_id = ?").run(paperId);
    this.db.prepare("DELETE FROM paper_texts WHERE paper_id = ?").run(paperId);
    this.bump();
  }

  /** Changes whenever a text is stored or dropped: cached answers made before are stale. */
  version(): string {
    return (this.db.prepare("SELECT value FROM meta WHERE key = 'fulltext_version'").pluck().get() as string | undefined) ?? "0";
  }

  private bump(): void {
    this.db
      .prepare("INSERT INTO meta (key, value) VALUES ('fulltext_version', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
      .run();
  }
}

/** The async `FullTextChunks` over the synchronous SQLite `FullTextStore` (FTS5, scores by BM25). */
export class SqliteFullTextChunks implements FullTextChunks {
  readonly texts: FullTextStore;

  constructor(db: Db) {
    this.texts = new FullTextStore(db);
  }

  async status(paperId: string): Promise<TextStatus | undefined> {
    return this.texts.status(paperId);
  }

  async withText(paperIds: readonly string[]): Promise<Set<string>> {
    return this.texts.withText(paperIds);
  }

  async save(paperId: string, text: ReadText, source: TextSource, now?: Date): Promise<void> {
    this.texts.save(paperId, text, source, now);
  }

  async recordFailure(paperId: string, source: TextSource, problem: string, detail: string, now?: Date): Promise<void> {
    this.texts.recordFailure(paperId, source, problem, detail, now);
  }

  async chunks(paperId: string): Promise<StoredChunk[]> {
    return this.texts.chunks(paperId);
  }

  async searchAll(terms: readonly string[], limit: number): Promise<(StoredChunk & { score: number })[]> {
    return this.texts.searchAll(ftsOrQuery([...terms]), limit);
  }

  async touch(paperIds: readonly string[], now?: Date): Promise<void> {
    this.texts.touch(paperIds, now);
  }

  async totalChars(): Promise<number> {
    return this.texts.totalChars();
  }

  async enforceCap(maxChars: number, keep?: string): Promise<string[]> {
    return this.texts.enforceCap(maxChars, keep);
  }

  async version(): Promise<string> {
    return this.texts.version();
  }
}
