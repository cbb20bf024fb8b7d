import type { Paper, PaperInput } from "./paper.js";

export type UpsertOutcome = "added" | "updated" | "unchanged";

export interface StoreStats {
  total: number;
  bySource: Record<string, number>;
  withArxivId: number;
  published: { first?: string; last?: string };
  feed: { first?: string; last?: string };
}

/**
 * A paper as the async stores hand it out: identified by its `id` (or arXiv id), never by a row number,
 * which is local to one database (SQLite's rowid) and means nothing to another machine.
 */
export type StoredPaper = Omit<Paper, "rowid">;

/**
 * The papers table in either store (SQLite or PostgreSQL). An upsert merges by the rules of `mergePaper`:
 * by arXiv id, else by title into a paper without one; see `PaperStore` for what each method does.
 */
export interface PaperRecords {
  upsert(input: PaperInput, now?: Date): Promise<{ outcome: UpsertOutcome; id: string }>;
  /**
   * Upserts a batch in one transaction, in order, by the rules of `upsert`. With `bulk` (between `startBulkLoad`
   * and `finishBulkLoad`), the store may leave indexing the new papers to `finishBulkLoad`.
   */
  upsertMany(inputs: readonly PaperInput[], opts?: { bulk?: boolean; now?: Date }): Promise<{ outcome: UpsertOutcome; id: string }[]>;
  /** Before a bulk load's batches (arXiv dumps, feed folders). */
  startBulkLoad(): Promise<void>;
  /** After a bulk load, also one that failed half way: every paper it added is searchable and resolvable by name. */
  finishBulkLoad(): Promise<void>;
  /** By id, else by arXiv id. */
  get(idOrArxivId: string): Promise<StoredPaper | undefined>;
  getByTitle(title: string): Promise<StoredPaper | undefined>;
  /** The papers of these ids that exist, in one query; ids not found are left out. */
  getMany(ids: readonly string[]): Promise<Map<string, StoredPaper>>;
  count(): Promise<number>;
  /** Papers that entered the daily feed on `date` (YYYY-MM-DD), most upvoted first, then in the order they were added. */
  byFeedDate(date: string): Promise<StoredPaper[]>;
  /** The `limit` papers that came in from the Hugging Face feed (source `hf`) most recently, newest first. */
  newestInFeed(limit: number): Promise<StoredPaper[]>;
  /** Counts by source and the date ranges (`paperbot stats`, /help); may be up to ten minutes old while papers do not change. */
  stats(): Promise<StoreStats>;
  /** Changes whenever a paper is added or changed: the answer cache's key. */
  version(): Promise<string>;
  /**
   * Loads the seed page's papers into an empty collection as the installation's own (group papers of
   * `EVERY_GROUP`, via "seed"), in one transaction; undefined, and nothing written, when there are papers
   * already. Processes starting on one new database at once take turns: only the first seeds it.
   */
  seedIfEmpty(inputs: readonly PaperInput[], opts?: { now?: Date }): Promise<{ outcome: UpsertOutcome; id: string }[] | undefined>;
  /**
   * Merges the search indexes' segments after a large load (SQLite's FTS5); returns the seconds it took.
   * Absent where the indexes need no merging.
   */
  optimizeIndexes?(): Promise<number>;
}

/** `paper` without its row number. */
export function withoutRowid(paper: Paper): StoredPaper {
  const { rowid: _, ...rest } = paper;
  return rest;
}
