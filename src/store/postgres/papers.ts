import { mergePaper } from "../mergePaper.js";
import type { PaperInput } from "../paper.js";
import { normalizeTitle, slugify } from "../paperId.js";
import { withoutRowid, type PaperRecords, type StoredPaper } from "../paperRecords.js";
import { CONTENT_COLUMNS, rowToPaper, type ContentColumns, type PaperRow } from "../paperRow.js";
import type { UpsertOutcome } from "../paperStore.js";
import { type PaperWords, paperWords } from "./lexicalIndex.js";
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

  async upsertMany(inputs: readonly PaperInput[], opts: { now?: Date } = {}): Promise<{ outcome: UpsertOutcome; id: string }[]> {
    const now = opts.now ?? new Date();
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, async (c) => {
          const out: { outcome: UpsertOutcome; id: string }[] = [];
          for (const input of inputs) out.push(await this.upsertIn(c, input, normalizeTitle(input.title), now));
          return out;
        });
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** Every upsert keeps the index in step: nothing waits for the end of a load. */
  async startBulkLoad(): Promise<void> {}

  async finishBulkLoad(): Promise<void> {}

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

/** The counts an upsert keeps: document frequencies of stems (term_stats) and title counts of title words (title_words). */
const COUNTS = {
  stems: { table: "term_stats", key: "stem", count: "df" },
  titleWords: { table: "title_words", key: "word", count: "doc" },
} as const;
type Counts = (typeof COUNTS)[keyof typeof COUNTS];

/** Adds `deltas` to the counts of `keys`: one statement, rows locked in key order. */
function addCounts(c: PoolClient, { table, key, count }: Counts, keys: string[], deltas: number[]) {
  // In key order, so two upserts sharing words lock their rows in the same order and never deadlock.
  return c.query(
    `INSERT INTO ${table} (${key}, ${count})
     SELECT k, delta FROM unnest($1::text[], $2::int[]) AS d (k, delta) ORDER BY k COLLATE "C"
     ON CONFLICT (${key}) DO UPDATE SET ${count} = ${table}.${count} + excluded.${count}`,
    [keys, deltas],
  );
}

/** Moves a paper's counts from its old words (stems or title words) to its new ones. */
async function countWords(c: PoolClient, counts: Counts, before: Set<string>, after: Set<string>): Promise<void> {
  const keys: string[] = [];
  const deltas: number[] = [];
  for (const s of after)
    if (!before.has(s)) {
      keys.push(s);
      deltas.push(1);
    }
  for (const s of before)
    if (!after.has(s)) {
      keys.push(s);
      deltas.push(-1);
    }
  if (keys.length === 0) return;
  await addCounts(c, counts, keys, deltas);
}

/** The postings of papers (by seq) whose postings are not there (new papers, or a changed text's old postings deleted). */
async function writePostings(c: PoolClient, papers: readonly [seq: string, words: PaperWords][]): Promise<void> {
  const cols: [string[], string[], number[], number[], number[]] = [[], [], [], [], []];
  for (const [seq, words] of papers)
    for (const [s, n] of words.counts) {
      cols[0].push(s);
      cols[1].push(seq);
      cols[2].push(n.title);
      cols[3].push(n.abstract);
      cols[4].push(words.length);
    }
  if (cols[0].length === 0) return;
  await c.query(
    `INSERT INTO paper_terms (stem, paper_seq, tf_title, tf_abstract, words)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::int[])`,
    cols,
  );
}

function bumpMeta(c: PoolClient, papers: number, titleWords: number, abstractWords: number) {
  return c.query(
    `UPDATE papers_meta SET version = version + 1, paper_count = paper_count + $1,
       title_words = title_words + $2, abstract_words = abstract_words + $3`,
    [papers, titleWords, abstractWords],
  );
}
