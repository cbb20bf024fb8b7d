import { sanitizeText } from "../../text/userText.js";
import { toChunk, type ChunkRow, type FullTextChunks, type ReadText, type StoredChunk, type TextSource, type TextStatus } from "../fullText.js";
import { inTransaction, type Pool, type PoolClient } from "./pool.js";

interface TextRow {
  status: "read" | "failed";
  source: TextSource;
  pages: number | null;
  chars: number;
  problem: string | null;
  detail: string | null;
  read_at: Date;
}

const CHUNK_COLUMNS = "paper_id, seq, page, page_end, section, text";

/**
 * Advisory lock keys: saves hold the first shared (and their paper's key exclusively), the cap holds it
 * exclusively, so a cap never drops passages while a save is writing them and the two cannot deadlock.
 */
const TEXTS_LOCK = "paperbot full texts";
const paperLock = (paperId: string) => JSON.stringify(["paper_text", paperId]);

/**
 * Weights of a passage's lexemes in `ts_rank_cd`, as {D, C, B, A}: the section (B) counts half as much as
 * the text (A), as in SQLite's `bm25(chunks_fts, 0.5, 1.0)`.
 */
const RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}";

/**
 * Papers' full texts as passages in PostgreSQL (see `FullTextStore` for what each operation does). Passages
 * are found through a generated tsvector column with a GIN index and ranked by `ts_rank_cd` (cover density,
 * divided by 1 + the log of the passage's length), whose scores are not FTS5's BM25: only their order counts.
 */
export class PostgresFullTextChunks implements FullTextChunks {
  constructor(private readonly pool: Pool) {}

  async status(paperId: string): Promise<TextStatus | undefined> {
    const { rows } = await this.pool.query<TextRow>(
      "SELECT status, source, pages, chars, problem, detail, read_at FROM paper_texts WHERE paper_id = $1",
      [paperId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const readAt = r.read_at.toISOString();
    return r.status === "read"
      ? { status: "read", source: r.source, pages: r.pages ?? 0, chars: r.chars, readAt }
      : { status: "failed", source: r.source, problem: r.problem ?? "failed", detail: r.detail ?? "", readAt };
  }

  async withText(paperIds: readonly string[]): Promise<Set<string>> {
    if (!paperIds.length) return new Set();
    const { rows } = await this.pool.query<{ paper_id: string }>(
      "SELECT paper_id FROM paper_texts WHERE status = 'read' AND paper_id = ANY($1::text[])",
      [[...paperIds]],
    );
    return new Set(rows.map((r) => r.paper_id));
  }

  async save(paperId: string, text: ReadText, source: TextSource, now = new Date()): Promise<void> {
    // A PDF's text is outside text like any other: no control, bidi or invisible characters reach answers.
    const chunks = text.chunks.map((c) => ({ ...c, text: sanitizeText(c.text), section: c.section && sanitizeText(c.section) }));
    const references = text.references && sanitizeText(text.references);
    const chars = chunks.reduce((n, c) => n + c.text.length, 0) + (references?.length ?? 0);
    await inTransaction(this.pool, async (c) => {
      await c.query("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", [TEXTS_LOCK]);
      // Two processes saving one paper take turns: otherwise both would delete nothing the other can see and then collide on (paper_id, seq).
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [paperLock(paperId)]);
      await c.query("DELETE FROM paper_chunks WHERE paper_id = $1", [paperId]);
      if (chunks.length) {
        await c.query(
          `INSERT INTO paper_chunks (${CHUNK_COLUMNS})
           SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::text[])`,
          [
            paperId,
            chunks.map((_, seq) => seq),
            chunks.map((x) => x.page),
            chunks.map((x) => x.pageEnd),
            chunks.map((x) => x.section || null),
            chunks.map((x) => x.text),
          ],
        );
      }
      await c.query(
        `INSERT INTO paper_texts (paper_id, status, source, pages, chars, problem, detail, references_text, read_at, used_at)
         VALUES ($1, 'read', $2, $3, $4, NULL, NULL, $5, $6, $6)
         ON CONFLICT (paper_id) DO UPDATE SET status = 'read', source = excluded.source, pages = excluded.pages, chars = excluded.chars,
           problem = NULL, detail = NULL, references_text = excluded.references_text, read_at = excluded.read_at, used_at = excluded.used_at`,
        [paperId, source, text.pageCount, chars, references ?? null, now],
      );
      await bump(c, 1);
    });
  }

  async recordFailure(paperId: string, source: TextSource, problem: string, detail: string, now = new Date()): Promise<void> {
    await this.pool.query(
      `INSERT INTO paper_texts (paper_id, status, source, problem, detail, read_at, used_at) VALUES ($1, 'failed', $2, $3, $4, $5, $5)
       ON CONFLICT (paper_id) DO UPDATE SET source = excluded.source, problem = excluded.problem, detail = excluded.detail,
         read_at = excluded.read_at WHERE paper_texts.status = 'failed'`,
      [paperId, source, problem, detail, now],
    );
  }

  async chunks(paperId: string): Promise<StoredChunk[]> {
    const { rows } = await this.pool.query<ChunkRow>(`SELECT ${CHUNK_COLUMNS} FROM paper_chunks WHERE paper_id = $1 ORDER BY seq`, [paperId]);
    return rows.map(toChunk);
  }

  /**
   * Passages matching any of `terms` (each stemmed as English, as the passages were; a term that is only
   * stop words matches nothing), best first by `ts_rank_cd`, ties by paper and place.
   */
  async searchAll(terms: readonly string[], limit: number): Promise<(StoredChunk & { score: number })[]> {
    if (!terms.length || limit < 1) return [];
    const { rows } = await this.pool.query<ChunkRow & { score: number }>(
      `WITH q AS (
         SELECT string_agg('(' || t::text || ')', ' | ')::tsquery AS query
         FROM unnest($1::text[]) AS w, plainto_tsquery('english'::regconfig, w) AS t WHERE numnode(t) > 0
       )
       SELECT c.paper_id, c.seq, c.page, c.page_end, c.section, c.text, ts_rank_cd($3::real[], c.tsv, q.query, 1) AS score
       FROM paper_chunks c, q WHERE q.query IS NOT NULL AND c.tsv @@ q.query
       ORDER BY score DESC, c.paper_id, c.seq LIMIT $2`,
      [[...terms], Math.floor(limit), RANK_WEIGHTS],
    );
    return rows.map((r) => ({ ...toChunk(r), score: r.score }));
  }

  async touch(paperIds: readonly string[], now = new Date()): Promise<void> {
    if (!paperIds.length) return;
    await this.pool.query("UPDATE paper_texts SET used_at = $1 WHERE status = 'read' AND paper_id = ANY($2::text[])", [now, [...paperIds]]);
  }

  async totalChars(): Promise<number> {
    return totalChars(this.pool);
  }

  /**
   * As SQLite's: drops the least recently used texts of papers that are no group's own (`group_papers`)
   * first, then, only if still over, the least recently used of the rest, ties by id; never `keep`. One
   * process at a time, and never while a text is being saved.
   */
  async enforceCap(maxChars: number, keep?: string): Promise<string[]> {
    return inTransaction(this.pool, async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [TEXTS_LOCK]);
      let total = await totalChars(c);
      if (total <= maxChars) return [];
      const { rows } = await c.query<{ paper_id: string; chars: number }>(
        `SELECT paper_id, chars FROM paper_texts t WHERE status = 'read'
         ORDER BY EXISTS (SELECT 1 FROM group_papers g WHERE g.paper_id = t.paper_id), used_at, paper_id`,
      );
      const dropped: string[] = [];
      for (const { paper_id, chars } of rows) {
        if (total <= maxChars) break;
        if (paper_id === keep) continue;
        dropped.push(paper_id);
        total -= chars;
      }
      if (!dropped.length) return [];
      await c.query("DELETE FROM paper_chunks WHERE paper_id = ANY($1::text[])", [dropped]);
      await c.query("DELETE FROM paper_texts WHERE paper_id = ANY($1::text[])", [dropped]);
      // One step per text dropped, as SQLite counts.
      await bump(c, dropped.length);
      return dropped;
    });
  }

  async version(): Promise<string> {
    const { rows } = await this.pool.query<{ version: string }>("SELECT version::text AS version FROM full_text_version");
    return rows[0]?.version ?? "0";
  }
}

async function totalChars(c: Pool | PoolClient): Promise<number> {
  const { rows } = await c.query<{ n: number }>("SELECT coalesce(sum(chars), 0)::float8 AS n FROM paper_texts WHERE status = 'read'");
  return rows[0]!.n;
}

async function bump(c: PoolClient, steps: number): Promise<void> {
  await c.query("UPDATE full_text_version SET version = version + $1", [steps]);
}
