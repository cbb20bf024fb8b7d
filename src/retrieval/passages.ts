import type { FullTextChunks, StoredChunk } from "../store/fullText.js";
import { queryTerms, tokenize } from "../text/queryTerms.js";
import { stem } from "../text/stem.js";

/** A passage of a paper's full text found for a question. */
export interface FoundPassage extends StoredChunk {
  score: number;
}

/** BM25's usual constants; a passage is a paragraph or two, so length matters little. */
const K1 = 1.2;
const B = 0.5;
/** Words of a section heading count this much of a word of the text ("4.2 Clip-Higher"). */
const HEADING_WEIGHT = 0.5;
/** The abstract is in the answer already: its passage ranks lower. */
const ABSTRACT_FACTOR = 0.5;
/** Each place further down the retriever's ranking costs a paper's passages this much. */
const RANK_DECAY = 0.5;

interface Indexed {
  chunks: StoredChunk[];
  /** Stemmed words of each passage with their counts, heading words weighted. */
  terms: Map<string, number>[];
  lengths: number[];
  /** In how many passages of the paper each stem appears. */
  df: Map<string, number>;
}

const stems = (text: string) => tokenize(text).map(stem);

function index(chunks: StoredChunk[]): Indexed {
  const df = new Map<string, number>();
  const terms = chunks.map((c) => {
    const tf = new Map<string, number>();
    for (const s of stems(c.text)) tf.set(s, (tf.get(s) ?? 0) + 1);
    for (const s of stems(c.section ?? "")) tf.set(s, (tf.get(s) ?? 0) + HEADING_WEIGHT);
    for (const s of tf.keys()) df.set(s, (df.get(s) ?? 0) + 1);
    return tf;
  });
  return { chunks, terms, lengths: terms.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0)), df };
}

/** Indexed passages per paper, per store (two databases may hold the same paper id), kept while its texts do not change. */
const caches = new WeakMap<FullTextChunks, Map<string, Indexed>>();
const CACHE_PAPERS = 64;

async function indexedPaper(texts: FullTextChunks, paperId: string, version: string): Promise<Indexed> {
  let cache = caches.get(texts);
  if (!cache) caches.set(texts, (cache = new Map()));
  const key = `${version}:${paperId}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = index(await texts.chunks(paperId));
    if (cache.size >= CACHE_PAPERS) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Scores a paper's passages for the query stems by BM25 whose word weights come from that paper alone:
 * within a paper, its own name and main subject are in every passage and say nothing about where
 * an answer is, while a word few of its passages use points at them.
 */
function scorePaper(ix: Indexed, query: string[]): number[] {
  const n = ix.chunks.length;
  const avg = ix.lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
  return ix.terms.map((tf, i) => {
    let s = 0;
    for (const q of query) {
      const f = tf.get(q);
      if (!f) continue;
      const df = ix.df.get(q)!;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      s += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * ix.lengths[i]!) / avg));
    }
    return /^abstract$/i.test(ix.chunks[i]!.section ?? "") ? s * ABSTRACT_FACTOR : s;
  });
}

/**
 * The passages of `paperIds`' full texts that bear most on `question`, best first: at most `k` in
 * all and `perPaper` of any one paper. Papers earlier in `paperIds` (the retriever's order) weigh more.
 */
export async function findPassages(
  texts: FullTextChunks,
  question: string,
  paperIds: readonly string[],
  opts: { k?: number; perPaper?: number } = {},
): Promise<FoundPassage[]> {
  const { k = 5, perPaper = 5 } = opts;
  const query = [...new Set(queryTerms(question).map(stem))];
  if (!query.length || !paperIds.length) return [];
  const version = await texts.version();
  const scored: FoundPassage[] = [];
  for (const [rank, id] of paperIds.entries()) {
    const ix = await indexedPaper(texts, id, version);
    const prior = 1 / (1 + RANK_DECAY * rank);
    scorePaper(ix, query).forEach((s, i) => {
      if (s > 0) scored.push({ ...ix.chunks[i]!, score: s * prior });
    });
  }
  scored.sort((a, b) => b.score - a.score);
  const taken = new Map<string, number>();
  const out: FoundPassage[] = [];
  for (const p of scored) {
    const n = taken.get(p.paperId) ?? 0;
    if (n >= perPaper) continue;
    taken.set(p.paperId, n + 1);
    out.push(p);
    if (out.length >= k) break;
  }
  return out;
}

/** Passages the full-text index returns for a question, before they are grouped by paper. */
const TEXT_SEARCH_DEPTH = 30;

/**
 * Papers whose full text speaks to the question even where their abstracts do not (a table, a
 * baseline, a system named only in the body): for each, the share of the question's words that
 * its best matching passage holds. Best first.
 */
export async function findTextPapers(texts: FullTextChunks, question: string): Promise<{ paperId: string; share: number }[]> {
  const query = [...new Set(queryTerms(question).map(stem))];
  if (!query.length) return [];
  const best = new Map<string, number>();
  for (const c of await texts.searchAll(queryTerms(question), TEXT_SEARCH_DEPTH)) {
    const words = new Set(stems(`${c.section ?? ""} ${c.text}`));
    const share = query.filter((q) => words.has(q)).length / query.length;
    if (share > (best.get(c.paperId) ?? 0)) best.set(c.paperId, share);
  }
  return [...best].map(([paperId, share]) => ({ paperId, share })).sort((a, b) => b.share - a.share);
}
