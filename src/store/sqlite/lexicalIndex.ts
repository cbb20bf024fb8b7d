import type { Statement } from "better-sqlite3";
import { ftsOrQuery, tokenize } from "../../text/queryTerms.js";
import { wordFor } from "../../text/stem.js";
import type { Db } from "./db.js";
import type { IndexedText, LexicalIndexStore, TitleTerm, TitleTermRange } from "../lexicalIndex.js";
import { paperNamesOf } from "./paperNames.js";

export interface PaperText {
  rowid: number;
  title: string;
  abstract: string;
}

/** The FTS5 index over titles and abstracts (papers_fts) and the paper text lexical ranking scores. */
export class LexicalIndex {
  private readonly countStmt: Statement<[string, number], { n: number; lo: number | null }>;
  private readonly textStmt: Statement<[number], PaperText>;
  private readonly candidateStmts = new Map<number, Statement<[string, number], { rowid: number }>>();

  constructor(private readonly db: Db) {
    this.countStmt = db.prepare(
      `SELECT count(*) AS n, min(rowid) AS lo FROM
         (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`,
    );
    this.textStmt = db.prepare("SELECT rowid, title, abstract FROM papers WHERE rowid = ?");
  }

  /** How many of the newest `cap` postings match, and the lowest rowid among them. */
  newestMatches(match: string, cap: number): { n: number; lo: number | null } {
    return this.countStmt.get(match, cap)!;
  }

  /** Rowids of the best `limit` matches by BM25, the title weighted `titleWeight` against the abstract. */
  bestMatches(match: string, titleWeight: number, limit: number): number[] {
    let stmt = this.candidateStmts.get(titleWeight);
    if (!stmt) {
      stmt = this.db.prepare(`SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, ${titleWeight}, 1.0) LIMIT ?`);
      this.candidateStmts.set(titleWeight, stmt);
    }
    return stmt.all(match, limit).map((r) => r.rowid);
  }

  text(rowid: number): PaperText | undefined {
    return this.textStmt.get(rowid);
  }

  paperCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM papers").get() as { n: number }).n;
  }

  maxRowid(): number {
    return (this.db.prepare("SELECT max(rowid) AS m FROM papers").get() as { m: number | null }).m ?? 0;
  }

  /** A reader of the first paper at or after a rowid: the one statement serves a whole sample. */
  sampler(): (rowid: number) => { title: string; abstract: string } | undefined {
    const pick = this.db.prepare<[number], { title: string; abstract: string }>(
      "SELECT title, abstract FROM papers WHERE rowid >= ? ORDER BY rowid LIMIT 1",
    );
    return (rowid) => pick.get(rowid);
  }
}

/** Papers sampled for the average lengths, as `TermStats` samples them. */
const SAMPLE = 2000;

/**
 * The async `LexicalIndexStore` over SQLite's FTS5 index (papers_fts, tokenizer `porter unicode61 remove_diacritics 2`).
 * FTS5 stems what it is asked, so each stem is asked as a word that stems to it (`wordFor`).
 */
export class SqliteLexicalIndexStore implements LexicalIndexStore {
  private readonly index: LexicalIndex;
  private readonly s: {
    candidates: Statement<[string, number], string>;
    count: Statement<[string], number>;
    texts: Statement<[string], IndexedText & { id: string }>;
  };

  constructor(
    private readonly db: Db,
    titleWeight = 2,
  ) {
    this.index = new LexicalIndex(db);
    // Prepared once: a search makes several of these calls, each of which would otherwise prepare its statement again.
    this.s = {
      candidates: db
        .prepare<[string, number], string>(
          `SELECT p.id FROM (SELECT rowid, bm25(papers_fts, ${Number(titleWeight)}, 1.0) AS score FROM papers_fts WHERE papers_fts MATCH ? ORDER BY score LIMIT ?) f
           JOIN papers p ON p.rowid = f.rowid ORDER BY f.score, f.rowid`,
        )
        .pluck(),
      count: db.prepare<[string], number>("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?").pluck(),
      texts: db.prepare<[string], IndexedText & { id: string }>(
        "SELECT id, title, abstract FROM papers WHERE id IN (SELECT value FROM json_each(?))",
      ),
    };
  }

  async candidates(stems: readonly string[], limit: number): Promise<string[]> {
    if (stems.length === 0 || limit <= 0) return [];
    return this.s.candidates.all(ftsOrQuery(stems.map(wordFor)), limit);
  }

  /** Exact counts, one FTS5 query per stem (in-process, so no round trips). */
  async documentFrequencies(stems: readonly string[]): Promise<Map<string, number>> {
    return new Map(stems.map((s) => [s, this.s.count.get(ftsOrQuery([wordFor(s)]))!]));
  }

  async paperCount(): Promise<number> {
    return this.index.paperCount();
  }

  async averageLengths(): Promise<{ title: number; abstract: number }> {
    const n = this.index.paperCount();
    const maxRowid = this.index.maxRowid();
    const pick = this.index.sampler();
    const size = Math.min(SAMPLE, n);
    let title = 0;
    let abstract = 0;
    let seen = 0;
    for (let i = 0; i < size; i++) {
      const row = pick(1 + Math.floor((maxRowid * i) / size));
      if (!row) continue;
      title += tokenize(row.title).length;
      abstract += tokenize(row.abstract).length;
      seen++;
    }
    return seen ? { title: title / seen, abstract: abstract / seen } : { title: 0, abstract: 0 };
  }

  async texts(ids: readonly string[]): Promise<Map<string, IndexedText>> {
    const rows = this.s.texts.all(JSON.stringify([...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, { title: r.title, abstract: r.abstract }]));
  }

  /** The title vocabulary (paper_title_vocab) by `PaperNames.termsBetween`, the vocabulary of spelling correction. */
  async titleTerms(ranges: readonly TitleTermRange[], limit: number): Promise<TitleTerm[][]> {
    const names = paperNamesOf(this.db);
    return ranges.map((r) => names.termsBetween(r.lo, r.hi, r.minLength, r.maxLength, limit));
  }
}
