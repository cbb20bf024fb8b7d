import { STOPWORDS } from "../text/stopwords.js";
import { queryTerms, tokenize } from "../text/queryTerms.js";

/**
 * The pure parts of lexical ranking (`AsyncLexicalRanker`, over any `LexicalIndexStore`): query words, term weighting, the stage-one
 * word choice, BM25F scoring, the coverage shares and RM3 expansion. No I/O here: callers look things up.
 */

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

/** A paper's words as BM25F reads them: counts per stem in the title and in the abstract, and the two lengths. */
export interface DocTerms {
  title: Map<string, number>;
  abstract: Map<string, number>;
  titleLen: number;
  abstractLen: number;
}

/** A scored paper, known by whatever key the caller uses (a rowid, a paper id). */
export interface Scored<K> {
  key: K;
  score: number;
}

const K1 = 1.2;
const B = 0.75;

/** The defaults of `LexicalOptions`, in one place for both rankers. */
export const DEFAULTS = { titleWeight: 2, postingBudget: 40_000, feedbackDocs: 8, expansionTerms: 10, originalWeight: 0.85 };

/** Robertson-Sparck Jones IDF, never negative. */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** The query's words the ranker weighs: content words (or all, with `keepStopWords`), longer than one letter unless numeric. */
export function queryWords(query: string, variant: RankerVariant = {}): string[] {
  const words = variant.keepStopWords ? [...new Set(tokenize(query))] : queryTerms(query);
  return words.filter((w) => w.length > 1 || /\d/.test(w));
}

/**
 * The query's terms, one per stem (the first word of each stem wins). `look` says what a typed word becomes
 * (itself, or a spelling correction) and its document frequency and IDF.
 */
export function weighTerms(
  words: string[],
  stemOf: (w: string) => string,
  look: (typed: string) => { word: string; df: number; idf: number },
): WeightedTerm[] {
  const byStem = new Map<string, WeightedTerm>();
  for (const typed of words) {
    const { word, df, idf } = look(typed);
    const s = stemOf(word);
    if (byStem.has(s)) continue;
    byStem.set(s, { word, ...(word !== typed && { typed }), stem: s, df, idf, weight: 1 });
  }
  return [...byStem.values()];
}

/** Stage one's words: the rarest first, until their postings would pass `budget` (at least one word). */
export function rarestTerms(terms: WeightedTerm[], budget: number): WeightedTerm[] {
  const byRarity = [...terms].sort((a, b) => a.df - b.df);
  const chosen: WeightedTerm[] = [];
  let postings = 0;
  for (const t of byRarity) {
    if (chosen.length && postings + t.df > budget) break;
    chosen.push(t);
    postings += t.df;
  }
  return chosen;
}

/**
 * How many candidates stage one hands on. It sees only the rarest words, so a big collection needs a deeper pool to keep
 * recall (at 1M papers, 100 candidates instead of 50 raised R@5 from 0.54 to 0.61); a small one does not.
 */
export function candidatePool(papers: number, opts: Pick<LexicalOptions, "candidates">): number {
  return opts.candidates ?? (papers >= 100_000 ? 100 : 50);
}

function stemCounts(text: string, stemOf: (w: string) => string): [Map<string, number>, number] {
  const m = new Map<string, number>();
  const words = tokenize(text);
  for (const w of words) {
    const s = stemOf(w);
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  return [m, words.length];
}

export function docTerms(title: string, abstract: string, stemOf: (w: string) => string): DocTerms {
  const [t, titleLen] = stemCounts(title, stemOf);
  const [a, abstractLen] = stemCounts(abstract, stemOf);
  return { title: t, abstract: a, titleLen, abstractLen };
}

/**
 * BM25F over title and abstract, the title's term frequency weighted `titleWeight`: papers with a positive score,
 * best first, ties by `order` of their keys.
 */
export function scoreBm25f<K>(
  docs: Iterable<[K, DocTerms]>,
  terms: WeightedTerm[],
  titleWeight: number,
  avg: { title: number; abstract: number },
  order: (a: K, b: K) => number,
): Scored<K>[] {
  const hits: Scored<K>[] = [];
  for (const [key, d] of docs) {
    const normT = 1 - B + (B * d.titleLen) / avg.title;
    const normA = 1 - B + (B * d.abstractLen) / avg.abstract;
    let score = 0;
    for (const t of terms) {
      const tf = (titleWeight * (d.title.get(t.stem) ?? 0)) / normT + (d.abstract.get(t.stem) ?? 0) / normA;
      if (tf > 0) score += t.weight * t.idf * ((tf * (K1 + 1)) / (tf + K1));
    }
    hits.push({ key, score });
  }
  return hits.filter((h) => h.score > 0).sort((a, b) => b.score - a.score || order(a.key, b.key));
}

/** The share of the terms' IDF mass that at least one of these papers contains. */
export function matchedShare(terms: WeightedTerm[], papers: DocTerms[]): number {
  const total = terms.reduce((s, t) => s + t.idf, 0);
  const found = terms.filter((t) => papers.some((d) => d.title.has(t.stem) || d.abstract.has(t.stem))).reduce((s, t) => s + t.idf, 0);
  return total > 0 ? found / total : 0;
}

/**
 * RM1, the first half of RM3: stems frequent in the feedback papers, weighted by each paper's relevance, best first;
 * the query's own stems, short ones, stop words and numbers left out. Only the best `count * 5` are kept, because
 * weighing them by IDF costs a document-frequency lookup each.
 */
export function relevanceModel(feedback: { doc: DocTerms; score: number }[], original: WeightedTerm[], count: number): [string, number][] {
  const top = feedback[0]!.score;
  const rm = new Map<string, number>();
  const skip = new Set(original.map((t) => t.stem));
  for (const { doc: d, score } of feedback) {
    const pdq = Math.exp(score - top) / (d.titleLen + d.abstractLen);
    for (const part of [d.title, d.abstract])
      for (const [s, n] of part) {
        if (skip.has(s) || s.length < 3 || STOPWORDS.has(s) || /^\d+$/.test(s)) continue;
        rm.set(s, (rm.get(s) ?? 0) + pdq * n);
      }
  }
  return [...rm.entries()].sort((a, b) => b[1] - a[1]).slice(0, count * 5);
}

/** RM3's expansion terms from RM1's candidates with their document frequencies: weighted by IDF, the best `count`, normalised. */
export function expansionTerms(candidates: WeightedTerm[], count: number): WeightedTerm[] {
  const ranked = candidates
    .filter((t) => t.df > 1)
    .map((t) => ({ ...t, weight: t.weight * t.idf }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count);
  const sum = ranked.reduce((s, t) => s + t.weight, 0) || 1;
  return ranked.map((t) => ({ ...t, weight: t.weight / sum }));
}

/** RM3's query: the original terms (sharing `original` of the weight) and the expansion (the rest). */
export function expandedQuery(known: WeightedTerm[], expansion: WeightedTerm[], original: number): WeightedTerm[] {
  return [
    ...known.map((t) => ({ ...t, weight: (original * t.weight) / known.length })),
    ...expansion.map((t) => ({ ...t, weight: (1 - original) * t.weight })),
  ];
}
