import { LexicalIndex } from "../store/lexicalIndex.js";
import type { PaperStore } from "../store/paperStore.js";
import {
  candidatePool,
  DEFAULTS,
  type DocTerms,
  docTerms,
  expandedQuery,
  expansionTerms,
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
import { ftsOrQuery } from "../text/queryTerms.js";
import { stem, wordFor } from "../text/stem.js";
import type { TermStats } from "./termStats.js";
import { Spelling } from "./spelling.js";

export type { LexicalOptions, RankerVariant, WeightedTerm } from "./bm25f.js";

export interface LexicalHit {
  rowid: number;
  score: number;
}

export interface LexicalResult {
  hits: LexicalHit[];
  terms: WeightedTerm[];
  /** The best first-round BM25F score divided by ln(1 + collection size): the "is this covered at all" signal. */
  relevance: number;
  /** Shares of the IDF mass of the question's known words that the best first-round paper, and the best three together, contain. */
  matched: { best: number; topThree: number };
}

const DOC_CACHE = 20_000;

/**
 * Two-stage lexical ranking. Stage one asks FTS5 for candidates using only the question's rarest
 * words (bounded postings); stage two re-scores them with BM25F over every word, title weighted,
 * optionally re-scoring once more with an RM3-expanded query. (A second index query with the
 * expanded words changed no benchmark figure and doubled the cost, so the expansion only re-ranks.)
 * The scoring itself is `bm25f.ts`'s, shared with the async ranker (`AsyncLexicalRanker`).
 */
export class LexicalRanker {
  private readonly index: LexicalIndex;
  private readonly docCache = new Map<number, DocTerms>();

  private readonly stemOf: (w: string) => string;
  private readonly spelling: Spelling;

  constructor(
    store: PaperStore,
    private readonly stats: TermStats,
    private readonly variant: RankerVariant = {},
  ) {
    this.stemOf = variant.noStemming ? (w) => w : stem;
    this.spelling = new Spelling(store);
    this.index = new LexicalIndex(store.db);
  }

  rank(query: string, opts: LexicalOptions): LexicalResult {
    const titleWeight = opts.titleWeight ?? DEFAULTS.titleWeight;
    const terms = weighTerms(queryWords(query, this.variant), this.stemOf, (typed) => this.look(typed));
    const known = terms.filter((t) => t.df > 0);
    if (!known.length) return { hits: [], terms, relevance: 0, matched: { best: 0, topThree: 0 } };
    const docs = new Map<number, DocTerms>();
    this.fetch(this.candidates(known, opts, titleWeight), docs);

    let scored = this.score(docs, known, titleWeight);
    const relevance = (scored[0]?.score ?? 0) / Math.log(1 + this.stats.collection().n);
    const papers = (hits: LexicalHit[]) => hits.map((h) => docs.get(h.rowid)!);
    const matched = { best: matchedShare(known, papers(scored.slice(0, 1))), topThree: matchedShare(known, papers(scored.slice(0, 3))) };
    if (opts.prf && scored.length) {
      const feedback = scored.slice(0, opts.feedbackDocs ?? DEFAULTS.feedbackDocs).map((h) => ({ doc: docs.get(h.rowid)!, score: h.score }));
      const expansion = this.expansion(feedback, known, opts.expansionTerms ?? DEFAULTS.expansionTerms);
      if (expansion.length) scored = this.score(docs, expandedQuery(known, expansion, opts.originalWeight ?? DEFAULTS.originalWeight), titleWeight);
    }
    return { hits: scored.slice(0, opts.k), terms, relevance, matched };
  }

  /** A typed word's df and IDF, or its spelling correction's when no paper has it and a correction does. */
  private look(typed: string): { word: string; df: number; idf: number } {
    let word = typed;
    let df = this.stats.df(word);
    const fixed = df === 0 && !this.variant.noSpelling ? this.spelling.correct(word) : undefined;
    if (fixed && this.stats.df(fixed) > 0) {
      word = fixed;
      df = this.stats.df(fixed);
    }
    return { word, df, idf: this.stats.idf(word) };
  }

  private candidates(terms: WeightedTerm[], opts: LexicalOptions, titleWeight: number): number[] {
    const chosen = rarestTerms(terms, opts.postingBudget ?? DEFAULTS.postingBudget).map((t) => t.word);
    return this.index.bestMatches(ftsOrQuery(chosen), titleWeight, candidatePool(this.stats.collection().n, opts));
  }

  private fetch(rowids: number[], into: Map<number, DocTerms>): void {
    for (const rowid of rowids) {
      if (into.has(rowid)) continue;
      let doc = this.docCache.get(rowid);
      if (!doc) {
        const row = this.index.text(rowid);
        if (!row) continue;
        doc = docTerms(row.title, row.abstract, this.stemOf);
        if (this.docCache.size >= DOC_CACHE) this.docCache.delete(this.docCache.keys().next().value!);
        this.docCache.set(rowid, doc);
      }
      into.set(rowid, doc);
    }
  }

  /** Forget cached papers (after papers were re-ingested with new text). */
  invalidate(): void {
    this.docCache.clear();
    this.spelling.invalidate();
  }

  private score(docs: Map<number, DocTerms>, terms: WeightedTerm[], titleWeight: number): LexicalHit[] {
    const { avgTitle, avgAbstract } = this.stats.collection();
    return scoreBm25f(docs, terms, titleWeight, { title: avgTitle, abstract: avgAbstract }, (a, b) => a - b).map((h) => ({
      rowid: h.key,
      score: h.score,
    }));
  }

  /** RM3: words frequent in the feedback papers, weighted by each paper's relevance, and specific (IDF). */
  private expansion(feedback: { doc: DocTerms; score: number }[], original: WeightedTerm[], count: number): WeightedTerm[] {
    // IDF costs an index lookup per word, so only the words RM1 likes best are looked up.
    const candidates = relevanceModel(feedback, original, count).map(([s, w]) => {
      const word = wordFor(s);
      return { word, stem: s, df: this.stats.df(word), idf: this.stats.idf(word), weight: w };
    });
    return expansionTerms(candidates, count);
  }
}
