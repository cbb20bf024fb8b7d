import type { Db } from "../db.js";
import { ftsWord, paperNamesOf, type NamedPaper, type NameKind, type PaperNameIndex, type PaperNames } from "../paperNames.js";

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
