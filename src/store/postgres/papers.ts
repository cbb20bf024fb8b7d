import { EVERY_GROUP } from "../groupPapers.js";
import { mergePaper } from "../mergePaper.js";
import type { PaperInput } from "../paper.js";
import { normalizeTitle, slugify } from "../paperId.js";
import { withoutRowid, type PaperRecords, type StoredPaper, type StoreStats, type UpsertOutcome } from "../paperRecords.js";
import { CONTENT_COLUMNS, rowToPaper, type ContentColumns, type PaperRow } from "../paperRow.js";
import { bulkUpsert } from "./bulkUpsert.js";
import { type PaperWords, paperWords } from "./lexicalIndex.js";
import { addCounts, bumpMeta, COUNTS, countWords, writePostings } from "./paperIndex.js";
import { inTransaction, type Pool, type PoolClient } from "./pool.js";

type Row = Omit<PaperRow, "rowid" | "first_seen_at" | "updated_at"> & { seq: string; first_seen_at: Date; updated_at: Date };

const COLUMNS = `seq, id, ${CONTENT_COLUMNS.join(", ")}, first_seen_at, updated_at`;
const toPaper = (r: Row): StoredPaper =>
  withoutRowid(rowToPaper({ ...r, rowid: Number(r.seq), first_seen_at: r.first_seen_at.toISOString(), updated_at: r.updated_at.toISOString() }));

const INSERT = `INSERT INTO papers (id, ${CONTENT_COLUMNS.join(", ")}, first_seen_at, updated_at, lex)
  VALUES ($1, ${CONTENT_COLUMNS.map((_, i) => `$${i + 2}`).join(", ")}, $${CONTENT_COLUMNS.length + 2}, $${CONTENT_COLUMNS.length + 2}, $${CONTENT_COLUMNS.length + 3}::tsvector)
  ON CONFLICT (id) DO NOTHING RETURNING seq`;
const UPDATE = `UPDATE papers SET ${CONTENT_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(", ")}, updated_at = $${CONTENT_COLUMNS.length + 2},
  lex = coalesce($${CONTENT_COLUMNS.length + 3}::tsvector, lex) WHERE id = $1 RETURNING seq`;

/** A paper as another store holds it, for `copyIn`: its id, content columns and times, and every title key it has had. */
export type PaperCopy = ContentColumns & { id: string; first_seen_at: string; updated_at: string; title_keys: readonly string[] };

/** Papers a bulk load adds before its finish vacuums and analyzes the tables it grew. */
const VACUUM_AFTER = 1000;

/** How long `stats` may be reused while the papers' version does not change (counting a million papers takes seconds). */
const STATS_TTL_MS = 600_000;

/** A unique index said no: another process added the same paper (or took the same id) in between. */
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

/**
 * The papers table in PostgreSQL, with the same merge rules as SQLite's `PaperStore` (`mergePaper`). An upsert is
 * one transaction that also keeps the full-text index (papers.lex and its postings, paper_terms), the document
 * frequencies (term_stats), the title vocabulary (title_words) and the
 * version and counts (papers_meta) in step. Upserts of the same paper from several processes take turns on
 * advisory locks on its arXiv id and title key, so they merge into one row instead of adding two.
 */
export class PostgresPaperRecords implements PaperRecords {
  constructor(private readonly pool: Pool) {}

  async upsert(input: PaperInput, now = new Date()): Promise<{ outcome: UpsertOutcome; id: string }> {
    const key = normalizeTitle(input.title);
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, (c) => this.upsertIn(c, input, key, now));
      } catch (err) {
        // The locks leave one race: two different papers whose titles make the same slug. The retry picks the next free id.
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  async upsertMany(inputs: readonly PaperInput[], opts: { bulk?: boolean; now?: Date } = {}): Promise<{ outcome: UpsertOutcome; id: string }[]> {
    const now = opts.now ?? new Date();
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await inTransaction(this.pool, async (c) => {
          if (opts.bulk) return bulkUpsert(c, inputs, now, (input, key) => this.upsertIn(c, input, key, now));
          const out: { outcome: UpsertOutcome; id: string }[] = [];
          for (const input of inputs) out.push(await this.upsertIn(c, input, normalizeTitle(input.title), now));
          return out;
        });
        if (opts.bulk) this.bulkAdded += out.filter((o) => o.outcome === "added").length;
        return out;
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** Papers added by bulk batches since `startBulkLoad`. */
  private bulkAdded = 0;

  /**
   * Every batch keeps the index in step in its own transaction (a load killed half way leaves whole batches only):
   * nothing is left to catch up.
   */
  async startBulkLoad(): Promise<void> {
    this.bulkAdded = 0;
  }

  /**
   * After a large load, what autovacuum would do some time later, at once: the visibility map, without which reading
   * postings from the index alone (candidates) visits the table for each of them (p95 of candidates at 20,000 papers:
   * 135 ms before, 70 after), and planner statistics for the grown tables.
   */
  async finishBulkLoad(): Promise<void> {
    if (this.bulkAdded >= VACUUM_AFTER) await this.pool.query("VACUUM (ANALYZE) papers, paper_titles, paper_terms, term_stats, title_words");
    this.bulkAdded = 0;
  }

  async get(idOrArxivId: string): Promise<StoredPaper | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM papers WHERE id = $1 OR arxiv_id = $1 ORDER BY id = $1 DESC LIMIT 1`, [
      idOrArxivId,
    ]);
    return rows[0] && toPaper(rows[0]);
  }

  async getByTitle(title: string): Promise<StoredPaper | undefined> {
    const row = await byTitleKey(this.pool, normalizeTitle(title));
    return row && toPaper(row);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredPaper>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM papers WHERE id = ANY($1)`, [[...new Set(ids)]]);
    return new Map(rows.map((r) => [r.id, toPaper(r)]));
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT paper_count AS n FROM papers_meta");
    return Number(rows[0]!.n);
  }

  async byFeedDate(date: string): Promise<StoredPaper[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM papers WHERE feed_date = $1 ORDER BY upvotes DESC, seq`, [date]);
    return rows.map(toPaper);
  }

  async newestInFeed(limit: number): Promise<StoredPaper[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM papers WHERE source = 'hf' ORDER BY seq DESC LIMIT $1`, [limit]);
    return rows.map(toPaper);
  }

  private statsCache?: { at: number; version: string; stats: StoreStats };

  async stats(): Promise<StoreStats> {
    const version = await this.version();
    const c = this.statsCache;
    if (c && c.version === version && Date.now() - c.at < STATS_TTL_MS) return c.stats;
    const [sources, totals] = await Promise.all([
      this.pool.query<{ source: string; n: string }>("SELECT source, count(*) AS n FROM papers GROUP BY source ORDER BY source"),
      this.pool.query<{ total: string; arxiv: string; p0: string | null; p1: string | null; f0: string | null; f1: string | null }>(
        `SELECT count(*) AS total, count(arxiv_id) AS arxiv, min(published_at) AS p0, max(published_at) AS p1,
                min(feed_date) AS f0, max(feed_date) AS f1 FROM papers`,
      ),
    ]);
    const t = totals.rows[0]!;
    const day = (v: string | null) => v?.slice(0, 10);
    const stats: StoreStats = {
      total: Number(t.total),
      bySource: Object.fromEntries(sources.rows.map((r) => [r.source, Number(r.n)])),
      withArxivId: Number(t.arxiv),
      published: { first: day(t.p0), last: day(t.p1) },
      feed: { first: day(t.f0), last: day(t.f1) },
    };
    this.statsCache = { at: Date.now(), version, stats };
    return stats;
  }

  async version(): Promise<string> {
    const { rows } = await this.pool.query<{ version: string }>("SELECT version FROM papers_meta");
    return rows[0]!.version;
  }

  /**
   * Copies papers from another store as they are (ids, times and merged content kept; no merging), in one
   * transaction and one INSERT, keeping the index (lex, paper_terms, term_stats, title_words, papers_meta) in step as an upsert does. A
   * paper whose id or arXiv id is here already is left alone. Returns the ids added. For `paperbot copy`:
   * `upsert` would give a paper that gained an arXiv id after its slug a new id, and take a transaction each.
   */
  async copyIn(papers: readonly PaperCopy[]): Promise<string[]> {
    if (papers.length === 0) return [];
    const words = papers.map((p) => paperWords(p.title, p.abstract));
    const width = CONTENT_COLUMNS.length + 4;
    const params: unknown[] = [];
    const tuples = papers.map((p, i) => {
      params.push(p.id, ...CONTENT_COLUMNS.map((col) => p[col]), p.first_seen_at, p.updated_at, words[i]!.vector);
      const at = (k: number) => `$${i * width + k}`;
      return `(${Array.from({ length: width - 1 }, (_, k) => at(k + 1)).join(", ")}, ${at(width)}::tsvector)`;
    });
    return inTransaction(this.pool, async (c) => {
      const { rows } = await c.query<{ id: string; seq: string }>(
        `INSERT INTO papers (id, ${CONTENT_COLUMNS.join(", ")}, first_seen_at, updated_at, lex) VALUES ${tuples.join(", ")}
         ON CONFLICT DO NOTHING RETURNING id, seq`,
        params,
      );
      const added = new Map(rows.map((r) => [r.id, r.seq]));
      if (added.size === 0) return [];
      const keys: string[] = [];
      const owners: string[] = [];
      const df = new Map<string, number>();
      const titleDoc = new Map<string, number>();
      let titleWords = 0;
      let abstractWords = 0;
      const postings: [string, PaperWords][] = [];
      papers.forEach((p, i) => {
        if (!added.has(p.id)) return;
        for (const k of new Set([p.title_key, ...p.title_keys])) {
          keys.push(k);
          owners.push(p.id);
        }
        for (const s of words[i]!.stems) df.set(s, (df.get(s) ?? 0) + 1);
        for (const w of words[i]!.titleTerms) titleDoc.set(w, (titleDoc.get(w) ?? 0) + 1);
        postings.push([added.get(p.id)!, words[i]!]);
        titleWords += words[i]!.titleWords;
        abstractWords += words[i]!.abstractWords;
      });
      await c.query("INSERT INTO paper_titles (title_key, paper_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING", [
        keys,
        owners,
      ]);
      // In key order, as countWords: upserts running meanwhile lock the same rows in the same order.
      await addCounts(c, COUNTS.stems, [...df.keys()], [...df.values()]);
      await addCounts(c, COUNTS.titleWords, [...titleDoc.keys()], [...titleDoc.values()]);
      await writePostings(c, postings);
      await bumpMeta(c, added.size, titleWords, abstractWords);
      return papers.filter((p) => added.has(p.id)).map((p) => p.id);
    });
  }

  private async upsertIn(c: PoolClient, input: PaperInput, key: string, now: Date): Promise<{ outcome: UpsertOutcome; id: string }> {
    // Always the arXiv id's lock before the title's: two upserts never wait for each other in a circle.
    if (input.arxivId) await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`paper arxiv ${input.arxivId}`]);
    await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`paper title ${key}`]);
    const existing = await findMatch(c, input, key);
    const merged = mergePaper(input, existing, key);
    const values = CONTENT_COLUMNS.map((col) => merged[col]);
    const words = paperWords(merged.title, merged.abstract);
    if (!existing) {
      // No paper has this arXiv id (findMatch looked, under its lock), and no slug can be one: slugs have no '.' or '/'.
      const id = input.arxivId ?? (await freshId(c, slugify(merged.title)));
      const r = await c.query<{ seq: string }>(INSERT, [id, ...values, now, words.vector]);
      if (!r.rows[0]) throw Object.assign(new Error(`paper id ${id} was taken meanwhile`), { code: "23505" });
      await c.query("INSERT INTO paper_titles (title_key, paper_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [merged.title_key, id]);
      await countWords(c, COUNTS.stems, new Set(), words.stems);
      await countWords(c, COUNTS.titleWords, new Set(), words.titleTerms);
      await writePostings(c, [[r.rows[0].seq, words]]);
      await bumpMeta(c, 1, words.titleWords, words.abstractWords);
      return { outcome: "added", id };
    }
    if (CONTENT_COLUMNS.every((col) => merged[col] === existing[col])) return { outcome: "unchanged", id: existing.id };
    const textChanged = merged.title !== existing.title || merged.abstract !== existing.abstract;
    const updated = await c.query<{ seq: string }>(UPDATE, [existing.id, ...values, now, textChanged ? words.vector : null]);
    if (merged.title_key !== existing.title_key) {
      await c.query("INSERT INTO paper_titles (title_key, paper_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [merged.title_key, existing.id]);
    }
    if (textChanged) {
      const before = paperWords(existing.title, existing.abstract);
      await countWords(c, COUNTS.stems, before.stems, words.stems);
      await countWords(c, COUNTS.titleWords, before.titleTerms, words.titleTerms);
      const seq = updated.rows[0]!.seq;
      await c.query("DELETE FROM paper_terms WHERE stem = ANY($1) AND paper_seq = $2", [[...before.stems], seq]);
      await writePostings(c, [[seq, words]]);
      await bumpMeta(c, 0, words.titleWords - before.titleWords, words.abstractWords - before.abstractWords);
    } else {
      await bumpMeta(c, 0, 0, 0);
    }
    return { outcome: "updated", id: existing.id };
  }

  async seedIfEmpty(inputs: readonly PaperInput[], opts: { now?: Date } = {}): Promise<{ outcome: UpsertOutcome; id: string }[] | undefined> {
    const now = opts.now ?? new Date();
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, async (c) => {
          // Processes seeding at once wait here in turn; the count is read after the lock, so it sees the first one's papers.
          await c.query("SELECT pg_advisory_xact_lock(hashtextextended('paperbot seed', 0))");
          const { rows } = await c.query<{ n: string }>("SELECT paper_count AS n FROM papers_meta");
          if (Number(rows[0]!.n) > 0) return undefined;
          const out: { outcome: UpsertOutcome; id: string }[] = [];
          for (const input of inputs) out.push(await this.upsertIn(c, input, normalizeTitle(input.title), now));
          await c.query(
            `INSERT INTO group_papers (guild_id, paper_id, via, user_id, created_at)
             SELECT $1, id, 'seed', NULL, $3 FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING`,
            [EVERY_GROUP, [...new Set(out.map((o) => o.id))], now],
          );
          return out;
        });
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }
}

/** The paper an input merges into: by arXiv id, else by title into a paper without an arXiv id (as `PaperStore.findMatch`). */
async function findMatch(c: PoolClient, input: PaperInput, key: string): Promise<(ContentColumns & { id: string }) | undefined> {
  if (input.arxivId) {
    const { rows } = await c.query<Row>(`SELECT ${COLUMNS} FROM papers WHERE arxiv_id = $1`, [input.arxivId]);
    if (rows[0]) return rows[0];
    const byTitle = await c.query<Row>(
      `SELECT ${COLUMNS.replace(/(\w+)/g, "p.$1")} FROM paper_titles t JOIN papers p ON p.id = t.paper_id
       WHERE t.title_key = $1 AND p.arxiv_id IS NULL ORDER BY p.title_key = t.title_key DESC, p.seq LIMIT 1`,
      [key],
    );
    return byTitle.rows[0];
  }
  return byTitleKey(c, key);
}

/** The paper known by this title key (now or before a rename): one without an arXiv id first, then one whose current key it is. */
async function byTitleKey(db: Pool | PoolClient, key: string): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS.replace(/(\w+)/g, "p.$1")} FROM paper_titles t JOIN papers p ON p.id = t.paper_id
     WHERE t.title_key = $1 ORDER BY p.arxiv_id IS NOT NULL, p.title_key = $1 DESC, p.seq LIMIT 1`,
    [key],
  );
  return rows[0];
}

async function freshId(c: PoolClient, base: string): Promise<string> {
  const root = base || "paper";
  const { rows } = await c.query<{ id: string }>("SELECT id FROM papers WHERE id = $1 OR id LIKE $2", [root, `${root.replace(/[\\%_]/g, "\\$&")}-%`]);
  const taken = new Set(rows.map((r) => r.id));
  let id = root;
  for (let n = 2; taken.has(id); n++) id = `${root}-${n}`;
  return id;
}
