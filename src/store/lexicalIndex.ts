import type { Statement } from "better-sqlite3";
import type { Db } from "./db.js";

export interface PaperText {
  rowid: number;
  title: string;
  abstract: string;
}

/** A paper's text as the lexical re-ranker reads it. */
export interface IndexedText {
  title: string;
  abstract: string;
}

/** Title words from `lo` (inclusive) to `hi` (exclusive), by code point, of `minLength` to `maxLength` characters. */
export interface TitleTermRange {
  lo: string;
  hi: string;
  minLength: number;
  maxLength: number;
}

/** A title word and in how many titles it occurs. */
export interface TitleTerm {
  term: string;
  doc: number;
}

/**
 * What the BM25F re-ranker (src/retrieval/asyncLexicalRanker.ts) needs from a full-text index, in either store.
 * Terms are Porter stems as `stem()` (src/text/stem.ts) makes them of `tokenize()`'s words; a paper
 * contains a stem when its title or abstract has a word of that stem.
 */
export interface LexicalIndexStore {
  /** Ids of at most `limit` papers containing any of the stems, best first by the index's own cheap score (title weighted). */
  candidates(stems: readonly string[], limit: number): Promise<string[]>;
  /** How many papers contain each stem (0 for none), in one round trip. */
  documentFrequencies(stems: readonly string[]): Promise<Map<string, number>>;
  paperCount(): Promise<number>;
  /** Average words per title and per abstract (`tokenize()`'s words), for BM25's length normalisation. */
  averageLengths(): Promise<{ title: number; abstract: number }>;
  /** Titles and abstracts of the papers of these ids that exist, in one query. */
  texts(ids: readonly string[]): Promise<Map<string, IndexedText>>;
  /**
   * The title vocabulary in each range, for spelling correction (src/retrieval/spelling.ts): the first `limit` words of
   * the range in code-point order, each with the number of titles that have it, in one round trip for all ranges. Title
   * words are unstemmed: SQLite's paper_title_words tokens (`unicode61 remove_diacritics 2`: lower case, letters and
   * digits, diacritics removed), as `titleWords()` (src/text/queryTerms.ts) makes them.
   */
  titleTerms(ranges: readonly TitleTermRange[], limit: number): Promise<TitleTerm[][]>;
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
