import type { LexicalIndexStore } from "../store/lexicalIndex.js";
import {
  candidatePool,
  DEFAULTS,
  type DocTerms,
  docTerms,
  expandedQuery,
  expansionTerms,
  idf,
  type LexicalOptions,
  matchedShare,
  queryWords,
  rarestTerms,
  type RankerVariant,
  relevanceModel,
  scoreBm25f,
  type WeightedTerm,
  weighTerms,
} from "./bm25f.js";
import { bestCorrection, correctionRange, SCAN_LIMIT } from "./spelling.js";
import { stem, wordFor } from "../text/stem.js";

/** The ablation switches that apply here. */
export type AsyncRankerVariant = Pick<RankerVariant, "keepStopWords" | "noStemming" | "noSpelling">;

export interface AsyncLexicalHit {
  id: string;
  score: number;
}

export interface AsyncLexicalResult {
  hits: AsyncLexicalHit[];
  terms: WeightedTerm[];
  /** The best first-round BM25F score divided by ln(1 + collection size): the "is this covered at all" signal. */
  relevance: number;
  /** Shares of the IDF mass of the question's known words that the best first-round paper, and the best three together, contain. */
  matched: { best: number; topThree: number };
}

/** Collection totals are read again after this long (they drift slowly; `TermStats` keeps its own as long). */
const TOTALS_TTL_MS = 10 * 60_000;
const DOC_CACHE = 20_000;
const SPELLING_CACHE = 10_000;
const DF_CACHE = 100_000;

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The search's lexical ranking, over any `LexicalIndexStore` (SQLite or PostgreSQL), with papers known by id. Stage one
 * asks the index for candidates using only the question's rarest words (bounded postings); stage two re-scores them with
 * BM25F over every word, title weighted, and re-scores once more with an RM3-expanded query (a second index query with the
 * expanded words changed no benchmark figure and doubled the cost, so the expansion only re-ranks). The scoring is
 * `bm25f.ts`'s. Every look-up is batched: per search one `documentFrequencies` call for the question's stems, one `candidates`
 * call, one `texts` call (only for papers not cached), and with RM3 one more `documentFrequencies` call for the expansion's
 * stems; document frequencies are cached, so a call asks only for stems not seen before, and is left out when there are
 * none. Paper count and average lengths (and with them the cached frequencies) are read again every ten minutes.
 *
 * Spelling correction (`correctionRange` and `bestCorrection` of spelling.ts): a long word no paper
 * has is replaced by the most common title word one edit away that some paper has. A question with such words costs
 * one `titleTerms` call for all of them and one `documentFrequencies` call for their corrections (none for a word
 * corrected before). Ties are broken by paper id (the synchronous ranker this replaced broke them by SQLite's rowid), so
 * the order is the same on every store.
 *
 * Papers' texts, document frequencies and corrections are cached: call `invalidate()` when papers change (the caller
 * watches the version).
 */
export class AsyncLexicalRanker {
  private readonly docCache = new Map<string, DocTerms>();
  /** Each corrected word's correction, or null for none. */
  private readonly spellingCache = new Map<string, string | null>();
  /** Each stem's document frequency, kept as long as the totals (they drift as slowly). */
  private readonly dfCache = new Map<string, number>();
  private readonly stemOf: (w: string) => string;
  /** How a stem of `stemOf` is asked of the index, whose terms are always Porter stems. */
  private readonly indexTerm: (s: string) => string;
  private totals?: { at: number; value: Promise<{ n: number; avg: { title: number; abstract: number } }> };

  constructor(
    private readonly index: LexicalIndexStore,
    private readonly variant: AsyncRankerVariant = {},
  ) {
    this.stemOf = variant.noStemming ? (w) => w : stem;
    this.indexTerm = variant.noStemming ? stem : (s) => s;
  }

  async rank(query: string, opts: LexicalOptions): Promise<AsyncLexicalResult> {
    const titleWeight = opts.titleWeight ?? DEFAULTS.titleWeight;
    const words = queryWords(query, this.variant);
    const [{ n, avg }, dfs] = await Promise.all([this.collection(), this.frequencies(words.map(stem))]);
    const fixes = this.variant.noSpelling ? new Map<string, string>() : await this.corrections(words.filter((w) => !dfs.get(stem(w))));
    if (fixes.size) {
      const more = await this.frequencies([...fixes.values()].map(stem).filter((s) => !dfs.has(s)));
      for (const [s, df] of more) dfs.set(s, df);
    }
    const terms = weighTerms(words, this.stemOf, (typed) => {
      // The correction only if some paper has it.
      const fixed = fixes.get(typed);
      const word = fixed && dfs.get(stem(fixed)) ? fixed : typed;
      const df = dfs.get(stem(word)) ?? 0;
      return { word, df, idf: idf(n, df) };
    });
    const known = terms.filter((t) => t.df > 0);
    if (!known.length) return { hits: [], terms, relevance: 0, matched: { best: 0, topThree: 0 } };

    const chosen = rarestTerms(known, opts.postingBudget ?? DEFAULTS.postingBudget).map((t) => stem(t.word));
    const ids = await this.index.candidates([...new Set(chosen)], candidatePool(n, opts));
    const docs = await this.fetch(ids);

    let scored = scoreBm25f(docs, known, titleWeight, avg, byId);
    const relevance = (scored[0]?.score ?? 0) / Math.log(1 + n);
    const papers = (hits: { key: string }[]) => hits.map((h) => docs.get(h.key)!);
    const matched = { best: matchedShare(known, papers(scored.slice(0, 1))), topThree: matchedShare(known, papers(scored.slice(0, 3))) };
    if (opts.prf && scored.length) {
      const count = opts.expansionTerms ?? DEFAULTS.expansionTerms;
      const feedback = scored.slice(0, opts.feedbackDocs ?? DEFAULTS.feedbackDocs).map((h) => ({ doc: docs.get(h.key)!, score: h.score }));
      const rm = relevanceModel(feedback, known, count);
      const rmDfs = await this.frequencies(rm.map(([s]) => this.indexTerm(s)));
      const candidates = rm.map(([s, w]): WeightedTerm => {
        const df = rmDfs.get(this.indexTerm(s)) ?? 0;
        return { word: wordFor(s), stem: s, df, idf: idf(n, df), weight: w };
      });
      const expansion = expansionTerms(candidates, count);
      if (expansion.length)
        scored = scoreBm25f(docs, expandedQuery(known, expansion, opts.originalWeight ?? DEFAULTS.originalWeight), titleWeight, avg, byId);
    }
    return { hits: scored.slice(0, opts.k).map((h) => ({ id: h.key, score: h.score })), terms, relevance, matched };
  }

  /** The number of papers, as the ranking last read it (kept as long as the totals). */
  async collectionSize(): Promise<number> {
    return (await this.collection()).n;
  }

  /** Forget cached papers and collection totals (after papers were added or re-ingested with new text). */
  invalidate(): void {
    this.docCache.clear();
    this.dfCache.clear();
    this.spellingCache.clear();
    this.totals = undefined;
  }

  /** The corrections of the words that have one, from the cache or one `titleTerms` call for the rest. */
  private async corrections(absent: string[]): Promise<Map<string, string>> {
    const ask = [...new Set(absent)].filter((w) => !this.spellingCache.has(w) && correctionRange(w));
    if (ask.length) {
      const found = await this.index.titleTerms(
        ask.map((w) => correctionRange(w)!),
        SCAN_LIMIT,
      );
      if (this.spellingCache.size + ask.length > SPELLING_CACHE) this.spellingCache.clear();
      ask.forEach((w, i) => this.spellingCache.set(w, bestCorrection(w, found[i]!) ?? null));
    }
    const fixes = new Map<string, string>();
    for (const w of absent) {
      const fixed = this.spellingCache.get(w);
      if (fixed) fixes.set(w, fixed);
    }
    return fixes;
  }

  /** Document frequencies of these stems: from the cache, or one `documentFrequencies` call for those not in it (none if all are). */
  private async frequencies(stems: readonly string[]): Promise<Map<string, number>> {
    const ask = [...new Set(stems)].filter((s) => !this.dfCache.has(s));
    if (ask.length) {
      const found = await this.index.documentFrequencies(ask);
      if (this.dfCache.size + ask.length > DF_CACHE) this.dfCache.clear();
      for (const s of ask) this.dfCache.set(s, found.get(s) ?? 0);
    }
    return new Map(stems.map((s) => [s, this.dfCache.get(s) ?? 0]));
  }

  /** Paper count and average lengths, read in parallel and kept for `TOTALS_TTL_MS`. */
  private collection(): Promise<{ n: number; avg: { title: number; abstract: number } }> {
    if (this.totals && Date.now() - this.totals.at > TOTALS_TTL_MS) {
      this.totals = undefined;
      this.dfCache.clear();
    }
    if (!this.totals) {
      const value = Promise.all([this.index.paperCount(), this.index.averageLengths()]).then(([n, a]) => ({
        n,
        // As `TermStats`: an empty collection gets plausible lengths rather than a division by zero.
        avg: { title: a.title || 10, abstract: a.abstract || 200 },
      }));
      const totals = { at: Date.now(), value };
      this.totals = totals;
      // A failed read is not kept.
      value.catch(() => {
        if (this.totals === totals) this.totals = undefined;
      });
    }
    return this.totals.value;
  }

  /** The candidates' words in candidate order, from the cache or one `texts` call for the rest; ids without a paper left out. */
  private async fetch(ids: string[]): Promise<Map<string, DocTerms>> {
    const missing = ids.filter((id) => !this.docCache.has(id));
    const texts = missing.length ? await this.index.texts(missing) : new Map();
    const docs = new Map<string, DocTerms>();
    for (const id of ids) {
      if (docs.has(id)) continue;
      let doc = this.docCache.get(id);
      if (!doc) {
        const text = texts.get(id);
        if (!text) continue;
        doc = docTerms(text.title, text.abstract, this.stemOf);
        if (this.docCache.size >= DOC_CACHE) this.docCache.delete(this.docCache.keys().next().value!);
        this.docCache.set(id, doc);
      }
      docs.set(id, doc);
    }
    return docs;
  }
}
