import { LexicalIndex } from "../store/lexicalIndex.js";
import type { PaperStore } from "../store/paperStore.js";
import { idf } from "./bm25f.js";
import { ftsOrQuery, tokenize } from "../text/queryTerms.js";

const TTL_MS = 10 * 60_000;
const SAMPLE = 2000;
/** Counting stops after this many postings; past it, df is extrapolated from how far back they reach. */
const COUNT_CAP = 5_000;

/**
 * Collection statistics for BM25: document frequencies (counted by FTS5, so stemming matches the index),
 * the number of papers and average lengths. Cached: they drift slowly, and ranking barely notices drift.
 */
export class TermStats {
  private dfCache = new Map<string, number>();
  private totals?: { n: number; maxRowid: number; avgTitle: number; avgAbstract: number; at: number };
  private readonly index: LexicalIndex;

  constructor(store: PaperStore) {
    this.index = new LexicalIndex(store.db);
  }

  df(word: string): number {
    this.fresh();
    let n = this.dfCache.get(word);
    if (n === undefined) {
      const r = this.index.newestMatches(ftsOrQuery([word]), COUNT_CAP);
      // A common word's exact count would walk its whole posting list (25 ms for "model" at 1M papers).
      const { n: total, maxRowid } = this.collection();
      n = r.n < COUNT_CAP || r.lo === null ? r.n : Math.min(total, Math.round((r.n * maxRowid) / (maxRowid - r.lo + 1)));
      if (this.dfCache.size > 100_000) this.dfCache.clear();
      this.dfCache.set(word, n);
    }
    return n;
  }

  /** Robertson-Sparck Jones IDF, never negative. */
  idf(word: string): number {
    return idf(this.collection().n, this.df(word));
  }

  collection(): { n: number; maxRowid: number; avgTitle: number; avgAbstract: number } {
    this.fresh();
    if (!this.totals) {
      const n = this.index.paperCount();
      const maxRowid = this.index.maxRowid();
      const pick = this.index.sampler();
      let title = 0;
      let abstract = 0;
      let seen = 0;
      for (let i = 0; i < Math.min(SAMPLE, n); i++) {
        const row = pick(1 + Math.floor((maxRowid * i) / Math.min(SAMPLE, n)));
        if (!row) continue;
        title += tokenize(row.title).length;
        abstract += tokenize(row.abstract).length;
        seen++;
      }
      this.totals = { n, maxRowid, avgTitle: title / (seen || 1) || 10, avgAbstract: abstract / (seen || 1) || 200, at: Date.now() };
    }
    return this.totals;
  }

  /** Forget everything, e.g. after an ingest in this process. */
  invalidate(): void {
    this.dfCache.clear();
    this.totals = undefined;
  }

  private fresh(): void {
    if (this.totals && Date.now() - this.totals.at > TTL_MS) this.invalidate();
  }
}
