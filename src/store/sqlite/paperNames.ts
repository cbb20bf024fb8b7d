import type { Statement } from "better-sqlite3";
import type { Db } from "./db.js";
import { ftsWord, prefixEnd, type NamedPaper, type NameKind, type PaperNameIndex, DF_CAP, RANK_WINDOW, WORD_WINDOW } from "../paperNames.js";
import type { PaperStore } from "./paperStore.js";

type Rowid = { paper_rowid: number };

/**
 * Indexed look-ups in paper_names (compact keys of titles and short names), the unstemmed
 * title index paper_title_words and its vocabulary. Every query is a range scan or seek, so its
 * cost does not grow with the collection.
 */
export class PaperNames {
  private readonly s: Record<string, Statement>;

  constructor(db: Db) {
    const st = (sql: string) => db.prepare(sql);
    this.s = {
      // The inner LIMIT keeps the planner on the primary key; left to itself it walks paper_names_votes
      // in vote order to skip the sort.
      exact: st(
        `SELECT paper_rowid FROM (SELECT paper_rowid, upvotes FROM paper_names WHERE kind = ? AND key = ? LIMIT 1000)
         ORDER BY upvotes DESC, paper_rowid LIMIT ?`,
      ),
      from: st("SELECT paper_rowid FROM paper_names WHERE kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?"),
      below: st("SELECT paper_rowid FROM paper_names WHERE kind = ? AND key < ? ORDER BY key DESC LIMIT ?"),
      countRange: st("SELECT count(*) AS n FROM (SELECT 1 FROM paper_names WHERE kind = ? AND key >= ? AND key < ? LIMIT ?)"),
      rankRange: st(
        `SELECT paper_rowid FROM paper_names WHERE kind = @kind AND key >= @lo AND key < @hi
         ORDER BY key = @lo DESC, upvotes DESC, key, paper_rowid LIMIT @limit`,
      ),
      // A loose index scan: one seek per distinct upvote count, highest first, each then a key range
      // inside that count. The CTE lists the counts in descending order (its queue is FIFO) and the
      // CROSS JOIN keeps it the outer loop, so rows come out by votes without sorting the whole range.
      // The index holds upvoted names only (migration 10); `unvoted` reads the rest.
      byVotes: st(
        `WITH RECURSIVE votes (v) AS (
           SELECT max(upvotes) FROM paper_names WHERE kind = @kind AND upvotes > 0
           UNION ALL
           SELECT (SELECT max(upvotes) FROM paper_names WHERE kind = @kind AND upvotes > 0 AND upvotes < votes.v) FROM votes
           WHERE votes.v IS NOT NULL
         )
         SELECT n.paper_rowid FROM votes CROSS JOIN paper_names n INDEXED BY paper_names_votes
         WHERE n.kind = @kind AND n.upvotes > 0 AND n.upvotes = votes.v AND n.key >= @lo AND n.key < @hi LIMIT @limit`,
      ),
      unvoted: st(
        `SELECT paper_rowid FROM paper_names WHERE kind = @kind AND key >= @lo AND key < @hi AND NOT upvotes > 0
         ORDER BY key, paper_rowid LIMIT @limit`,
      ),
      // The upvotes index holds only upvoted papers (migration 9): the most upvoted of those, else the newest of the rest.
      popular: st(
        `SELECT paper_rowid FROM (
           SELECT * FROM (SELECT rowid AS paper_rowid, upvotes FROM papers WHERE upvotes > 0 ORDER BY upvotes DESC, rowid DESC LIMIT @limit)
           UNION ALL
           SELECT * FROM (SELECT rowid AS paper_rowid, upvotes FROM papers WHERE NOT upvotes > 0 ORDER BY rowid DESC LIMIT @limit)
         ) ORDER BY upvotes DESC, paper_rowid DESC LIMIT @limit`,
      ),
      wordPrefix: st(
        `SELECT p.rowid AS paper_rowid FROM
           (SELECT rowid FROM paper_title_words WHERE paper_title_words MATCH ? ORDER BY rowid DESC LIMIT ${WORD_WINDOW}) w
         JOIN papers p ON p.rowid = w.rowid ORDER BY p.upvotes DESC, p.rowid DESC LIMIT ?`,
      ),
      titleMatches: st("SELECT rowid AS paper_rowid FROM paper_title_words WHERE paper_title_words MATCH ? ORDER BY rowid DESC LIMIT ?"),
      // Capped: the vocabulary table would count every posting of a common word.
      df: st(`SELECT count(*) AS n FROM (SELECT 1 FROM paper_title_words WHERE paper_title_words MATCH ? LIMIT ${DF_CAP})`),
      terms: st("SELECT term, doc FROM paper_title_vocab WHERE term >= ? AND term < ? LIMIT ?"),
      termsOfLength: st("SELECT term, doc FROM paper_title_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ? LIMIT ?"),
      titles: st("SELECT rowid, id, title, upvotes FROM papers WHERE rowid IN (SELECT value FROM json_each(?))"),
    };
  }

  /** Papers with exactly this name key, most upvoted first. */
  exact(kind: NameKind, key: string, limit: number): number[] {
    return this.ids("exact", kind, key, limit);
  }

  /** Papers whose name key starts with `prefix`, in key order (shortest completion first). */
  startingWith(kind: NameKind, prefix: string, limit: number): number[] {
    return this.ids("from", kind, prefix, prefixEnd(prefix), limit);
  }

  /** The keys on either side of `key` in sorted order: a typo late in a name still lands next to it. */
  around(kind: NameKind, key: string, each: number): number[] {
    return [...this.ids("below", kind, key, each), ...this.ids("from", kind, key, prefixEnd(""), each)];
  }

  /** Papers whose name key starts with `prefix`: the exact key first, then by upvotes, then by key. */
  rankedByPrefix(kind: NameKind, prefix: string, limit: number): number[] {
    const end = prefixEnd(prefix);
    const { n } = this.s.countRange!.get(kind, prefix, end, RANK_WINDOW + 1) as { n: number };
    const range = { kind, lo: prefix, hi: end, limit };
    if (n <= RANK_WINDOW) return this.ids("rankRange", range);
    const exact = this.exact(kind, prefix, limit);
    const want = limit + exact.length;
    const voted = this.ids("byVotes", { ...range, limit: want });
    const unvoted = voted.length < want ? this.ids("unvoted", { ...range, limit: want - voted.length }) : [];
    return [...new Set([...exact, ...voted, ...unvoted])].slice(0, limit);
  }

  /** The most upvoted papers, newest first among equals. */
  popular(limit: number): number[] {
    return this.ids("popular", { limit });
  }

  /** Titles matching an FTS5 expression of prefix terms; the newest WORD_WINDOW matches, by upvotes. */
  wordPrefix(match: string, limit: number): number[] {
    return this.ids("wordPrefix", match, limit);
  }

  /** Titles matching an FTS5 expression, newest first. */
  titleMatches(match: string, limit: number): number[] {
    return this.ids("titleMatches", match, limit);
  }

  /** In how many titles a word occurs, counting up to DF_CAP. */
  df(term: string): number {
    return (this.s.df!.get(`"${term.replace(/"/g, '""')}"`) as { n: number }).n;
  }

  /** Title words starting with `prefix`, in order. */
  termsStartingWith(prefix: string, limit: number): { term: string; doc: number }[] {
    return this.s.terms!.all(prefix, prefixEnd(prefix), limit) as { term: string; doc: number }[];
  }

  /** Title words from `lo` (inclusive) to `hi` (exclusive) of `minLength` to `maxLength` characters, in order. */
  termsBetween(lo: string, hi: string, minLength: number, maxLength: number, limit: number): { term: string; doc: number }[] {
    return this.s.termsOfLength!.all(lo, hi, minLength, maxLength, limit) as { term: string; doc: number }[];
  }

  titles(rowids: number[]): { rowid: number; id: string; title: string; upvotes: number }[] {
    return this.s.titles!.all(JSON.stringify(rowids)) as { rowid: number; id: string; title: string; upvotes: number }[];
  }

  private ids(stmt: string, ...params: unknown[]): number[] {
    return (this.s[stmt]!.all(...params) as Rowid[]).map((r) => r.paper_rowid);
  }
}

const cache = new WeakMap<Db, PaperNames>();

/** The look-ups for a store, prepared once per connection. */
export function paperNames(store: PaperStore): PaperNames {
  return paperNamesOf(store.db);
}

/** The look-ups on a connection, prepared once. */
export function paperNamesOf(db: Db): PaperNames {
  let names = cache.get(db);
  if (!names) cache.set(db, (names = new PaperNames(db)));
  return names;
}

/** The async `PaperNameIndex` over SQLite's paper_names, paper_title_words and paper_title_vocab (`PaperNames`), with ids for rowids. */
export class SqlitePaperNameIndex implements PaperNameIndex {
  private readonly names: PaperNames;

  constructor(private readonly db: Db) {
    this.names = paperNamesOf(db);
  }

  async exact(kind: NameKind, key: string, limit: number): Promise<string[]> {
    return this.ids(this.names.exact(kind, key, limit));
  }

  async startingWith(kind: NameKind, prefix: string, limit: number): Promise<string[]> {
    return this.ids(this.names.startingWith(kind, prefix, limit));
  }

  async around(kind: NameKind, keys: readonly string[], each: number): Promise<string[]> {
    return this.ids(keys.flatMap((key) => this.names.around(kind, key, each)));
  }

  async rankedByPrefix(kind: NameKind, prefix: string, limit: number): Promise<string[]> {
    return this.ids(this.names.rankedByPrefix(kind, prefix, limit));
  }

  async popular(limit: number): Promise<string[]> {
    return this.ids(this.names.popular(limit));
  }

  async wordPrefix(prefixes: readonly string[], limit: number): Promise<string[]> {
    if (!prefixes.length) return [];
    return this.ids(this.names.wordPrefix(prefixes.map((w) => `${ftsWord(w)}*`).join(" AND "), limit));
  }

  async titleMatches(groups: readonly (readonly string[])[], limit: number): Promise<string[]> {
    if (!groups.length || groups.some((g) => !g.length)) return [];
    return this.ids(this.names.titleMatches(groups.map((g) => `(${g.map(ftsWord).join(" OR ")})`).join(" AND "), limit));
  }

  async titleFrequencies(words: readonly string[]): Promise<Map<string, number>> {
    return new Map(words.map((w) => [w, this.names.df(w)]));
  }

  async termsStartingWith(prefix: string, limit: number): Promise<{ term: string; doc: number }[]> {
    return this.names.termsStartingWith(prefix, limit);
  }

  async titles(ids: readonly string[]): Promise<NamedPaper[]> {
    if (!ids.length) return [];
    return this.db
      .prepare("SELECT id, title, upvotes FROM papers WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid DESC")
      .all(JSON.stringify([...new Set(ids)])) as NamedPaper[];
  }

  /** The ids of these rowids, in their order (repeats kept: callers collect them into sets). */
  private ids(rowids: readonly number[]): string[] {
    if (!rowids.length) return [];
    const byRowid = new Map(
      (
        this.db.prepare("SELECT rowid, id FROM papers WHERE rowid IN (SELECT value FROM json_each(?))").all(JSON.stringify(rowids)) as {
          rowid: number;
          id: string;
        }[]
      ).map((r) => [r.rowid, r.id]),
    );
    return rowids.flatMap((r) => byRowid.get(r) ?? []);
  }
}
