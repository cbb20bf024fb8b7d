export type NameKind = "short" | "title";

/**
 * A prefix with at most this many names is ranked exactly (a sort of at most this many index entries);
 * a busier one is read in upvote order from the paper_names_votes index instead.
 */
export const RANK_WINDOW = 1000;

/** Word-prefix matches inside titles: this many of the newest are ranked by upvotes (an FTS5 doclist has no vote order). */
export const WORD_WINDOW = 200;

/** Document frequencies are counted up to this: enough to tell rare words from common ones. */
export const DF_CAP = 1000;

/** A paper as name resolution scores it. */
export interface NamedPaper {
  id: string;
  title: string;
  upvotes: number;
}

/**
 * The names papers are known by, in either store (SQLite or PostgreSQL): compact keys (`nameKey`, src/retrieval/nameKey.ts)
 * of whole titles (kind "title") and of the short names before a title's colon ("short"), and the words of titles
 * (lower case, letters and digits, diacritics removed; unstemmed). What `resolvePaper` and `autocomplete` look up.
 * Every look-up is an index range scan or seek, so its cost does not grow with the collection. Papers are given by
 * id; among equals the newer paper (the later added) comes first unless a method says otherwise.
 */
export interface PaperNameIndex {
  /** Papers with exactly this name key, most upvoted first. */
  exact(kind: NameKind, key: string, limit: number): Promise<string[]>;
  /** Papers whose name key starts with `prefix`, in key order (shortest completion first; then the older paper). */
  startingWith(kind: NameKind, prefix: string, limit: number): Promise<string[]>;
  /** For each key, the `each` names before it and the `each` from it in key order: a typo late in a name still lands next to it. */
  around(kind: NameKind, keys: readonly string[], each: number): Promise<string[]>;
  /** Papers whose name key starts with `prefix`: the exact key first, then by upvotes, then by key (then the older paper). */
  rankedByPrefix(kind: NameKind, prefix: string, limit: number): Promise<string[]>;
  /** The most upvoted papers, newest first among equals. */
  popular(limit: number): Promise<string[]>;
  /** Titles with a word starting with each of `prefixes`: of the newest WORD_WINDOW such titles, the most upvoted. */
  wordPrefix(prefixes: readonly string[], limit: number): Promise<string[]>;
  /** Titles that have, for every group, one of its words; newest first. */
  titleMatches(groups: readonly (readonly string[])[], limit: number): Promise<string[]>;
  /** In how many titles each word occurs, counting up to DF_CAP. */
  titleFrequencies(words: readonly string[]): Promise<Map<string, number>>;
  /** Title words starting with `prefix`, in code-point order, each with the number of titles that have it. */
  termsStartingWith(prefix: string, limit: number): Promise<{ term: string; doc: number }[]>;
  /** The titles and upvotes of the papers of these ids that exist, newest first. */
  titles(ids: readonly string[]): Promise<NamedPaper[]>;
}

/** A title word as an FTS5 string (paper_title_words). */
export const ftsWord = (w: string) => `"${w.replace(/"/g, '""')}"`;

/** The exclusive upper bound of the key range that holds every key starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}
