import { LexicalIndex } from "../store/lexicalIndex.js";
import type { PaperStore } from "../store/paperStore.js";
import { STOPWORDS } from "../text/stopwords.js";
import { ftsOrQuery, queryTerms, tokenize } from "../text/queryTerms.js";
import { stem, wordFor } from "../text/stem.js";
import type { TermStats } from "./termStats.js";
import { Spelling } from "./spelling.js";

/** Switches for the benchmark's ablation rows; the defaults are what ships. */
export interface RankerVariant {
  /** Keep stop words in the query. */
  keepStopWords?: boolean;
  /** Match words exactly in the re-ranking stage instead of by Porter stem. */
  noStemming?: boolean;
  /** Leave misspelled words as typed. */
  noSpelling?: boolean;
}

export interface LexicalOptions {
  k: number;
  /** Pseudo-relevance feedback (RM3): expand the query with words typical of the first results. */
  prf?: boolean;
  titleWeight?: number;
  /** How many candidates the index hands to the re-ranker. */
  candidates?: number;
  /** Stage one only queries the rarest words, up to this many postings in total, so cost stays flat as the collection grows. */
  postingBudget?: number;
  /** RM3 settings; the defaults were chosen with `npm run bench -- retrieval`. */
  feedbackDocs?: number;
  expansionTerms?: number;
  originalWeight?: number;
}

export interface WeightedTerm {
  word: string;
  /** The word as the question has it, when spelling correction replaced it. */
  typed?: string;
  stem: string;
  df: number;
  idf: number;
  weight: number;
}

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

interface DocTerms {
  rowid: number;
  title: Map<string, number>;
  abstract: Map<string, number>;
  titleLen: number;
  abstractLen: number;
}

const K1 = 1.2;
const B = 0.75;

const DOC_CACHE = 20_000;

function stemCounts(text: string, stemOf: (w: string) => string): [Map<string, number>, number] {
  const m = new Map<string, number>();
  const words = tokenize(text);
  for (const w of words) {
    const s = stemOf(w);
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  return [m, words.length];
}

/** The share of the terms' IDF mass that at least one of these papers contains. */
function matchedShare(terms: WeightedTerm[], hits: LexicalHit[], docs: Map<number, DocTerms>): number {
  const papers = hits.map((h) => docs.get(h.rowid)!);
  const total = terms.reduce((s, t) => s + t.idf, 0);
  const found = terms.filter((t) => papers.some((d) => d.title.has(t.stem) || d.abstract.has(t.stem))).reduce((s, t) => s + t.idf, 0);
  return total > 0 ? found / total : 0;
}

/**
 * Two-stage lexical ranking. Stage one asks FTS5 for candidates using only the question's rarest
 * words (bounded postings); stage two re-scores them with BM25F over every word, title weighted,
 * optionally re-scoring once more with an RM3-expanded query. (A second index query with the
 * expanded words changed no benchmark figure and doubled the cost, so the expansion only re-ranks.)
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
    const titleWeight = opts.titleWeight ?? 2;
    const words = this.variant.keepStopWords ? [...new Set(tokenize(query))] : queryTerms(query);
    const terms = this.weigh(words.filter((w) => w.length > 1 || /\d/.test(w)));
    const known = terms.filter((t) => t.df > 0);
    if (!known.length) return { hits: [], terms, relevance: 0, matched: { best: 0, topThree: 0 } };
    const docs = new Map<number, DocTerms>();
    this.fetch(this.candidates(known, opts, titleWeight), docs);

    let query_ = known;
    let scored = this.score([...docs.values()], query_, titleWeight);
    const relevance = (scored[0]?.score ?? 0) / Math.log(1 + this.stats.collection().n);
    const matched = { best: matchedShare(known, scored.slice(0, 1), docs), topThree: matchedShare(known, scored.slice(0, 3), docs) };
    if (opts.prf && scored.length) {
      const original = opts.originalWeight ?? 0.85;
      const expansion = this.expansion(scored.slice(0, opts.feedbackDocs ?? 8), docs, known, opts.expansionTerms ?? 10);
      if (expansion.length) {
        query_ = [
          ...known.map((t) => ({ ...t, weight: (original * t.weight) / known.length })),
          ...expansion.map((t) => ({ ...t, weight: (1 - original) * t.weight })),
        ];
        scored = this.score([...docs.values()], query_, titleWeight);
      }
    }
    return { hits: scored.slice(0, opts.k), terms, relevance, matched };
  }

  private weigh(words: string[]): WeightedTerm[] {
    const byStem = new Map<string, WeightedTerm>();
    for (const typed of words) {
      let word = typed;
      let df = this.stats.df(word);
      const fixed = df === 0 && !this.variant.noSpelling ? this.spelling.correct(word) : undefined;
      if (fixed && this.stats.df(fixed) > 0) {
        word = fixed;
        df = this.stats.df(fixed);
      }
      const s = this.stemOf(word);
      if (byStem.has(s)) continue;
      byStem.set(s, { word, ...(word !== typed && { typed }), stem: s, df, idf: this.stats.idf(word), weight: 1 });
    }
    return [...byStem.values()];
  }

  private candidates(terms: WeightedTerm[], opts: LexicalOptions, titleWeight: number): number[] {
    const budget = opts.postingBudget ?? 40_000;
    const byRarity = [...terms].sort((a, b) => a.df - b.df);
    const chosen: string[] = [];
    let postings = 0;
    for (const t of byRarity) {
      if (chosen.length && postings + t.df > budget) break;
      chosen.push(t.word);
      postings += t.df;
    }
    // The first stage sees only the rarest words, so a big collection needs a deeper pool to keep recall
    // (at 1M papers, 100 candidates instead of 50 raised R@5 from 0.54 to 0.61); a small one does not.
    const pool = opts.candidates ?? (this.stats.collection().n >= 100_000 ? 100 : 50);
    return this.index.bestMatches(ftsOrQuery(chosen), titleWeight, pool);
  }

  private fetch(rowids: number[], into: Map<number, DocTerms>): void {
    for (const rowid of rowids) {
      if (into.has(rowid)) continue;
      let doc = this.docCache.get(rowid);
      if (!doc) {
        const row = this.index.text(rowid);
        if (!row) continue;
        const [title, titleLen] = stemCounts(row.title, this.stemOf);
        const [abstract, abstractLen] = stemCounts(row.abstract, this.stemOf);
        doc = { rowid, title, abstract, titleLen, abstractLen };
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

  private score(docs: DocTerms[], terms: WeightedTerm[], titleWeight: number): LexicalHit[] {
    const { avgTitle, avgAbstract } = this.stats.collection();
    const hits = docs.map((d) => {
      const normT = 1 - B + (B * d.titleLen) / avgTitle;
      const normA = 1 - B + (B * d.abstractLen) / avgAbstract;
      let score = 0;
      for (const t of terms) {
        const tf = (titleWeight * (d.title.get(t.stem) ?? 0)) / normT + (d.abstract.get(t.stem) ?? 0) / normA;
        if (tf > 0) score += t.weight * t.idf * ((tf * (K1 + 1)) / (tf + K1));
      }
      return { rowid: d.rowid, score };
    });
    return hits.filter((h) => h.score > 0).sort((a, b) => b.score - a.score || a.rowid - b.rowid);
  }

  /** RM3: words frequent in the feedback papers, weighted by each paper's relevance, and specific (IDF). */
  private expansion(feedback: LexicalHit[], docs: Map<number, DocTerms>, original: WeightedTerm[], count: number): WeightedTerm[] {
    const top = feedback[0]!.score;
    const rm = new Map<string, number>();
    const skip = new Set(original.map((t) => t.stem));
    for (const hit of feedback) {
      const d = docs.get(hit.rowid)!;
      const pdq = Math.exp(hit.score - top) / (d.titleLen + d.abstractLen);
      for (const part of [d.title, d.abstract])
        for (const [s, n] of part) {
          if (skip.has(s) || s.length < 3 || STOPWORDS.has(s) || /^\d+$/.test(s)) continue;
          rm.set(s, (rm.get(s) ?? 0) + pdq * n);
        }
    }
    // IDF costs an index lookup per word, so only the words RM1 likes best are looked up.
    const ranked = [...rm.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count * 5)
      .map(([s, w]) => {
        const word = wordFor(s);
        return { word, stem: s, df: this.stats.df(word), idf: this.stats.idf(word), weight: w };
      })
      .filter((t) => t.df > 1)
      .map((t) => ({ ...t, weight: t.weight * t.idf }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, count);
    const sum = ranked.reduce((s, t) => s + t.weight, 0) || 1;
    return ranked.map((t) => ({ ...t, weight: t.weight / sum }));
  }
}
