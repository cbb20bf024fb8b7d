import type { HfItem } from "../ingest/hfItem.js";
import { tokenize } from "../retrieval/queryTerms.js";
import { stem } from "../retrieval/stem.js";
import { STOPWORDS } from "../retrieval/stopwords.js";
import { shortTitle } from "../retrieval/text.js";
import type { GroupProfile, ProfileDoc } from "./groupProfile.js";
import type { PaperRanker } from "./selectPapers.js";

/** How rare a word is in the collection (inverse document frequency); given one word as written. */
export type Idf = (word: string) => number;

export interface RankWeights {
  /** Closeness is the mean cosine of this many closest profile papers. */
  k: number;
  /** A title word counts this many times an abstract word. */
  titleWeight: number;
  keywordWeight: number;
  /** Score = max(0, closeness) × (1 + upvoteWeight × ln(1 + upvotes)): upvotes lift a paper in scope, not one out of it. */
  upvoteWeight: number;
  /** Word weights are (1 + ln tf) × idf^idfPower: above 1, rare words count for more. */
  idfPower: number;
  /** Plus this × the cosine of the best-matching interest phrase: one phrase counts like a strong match, not like one paper among k. */
  interestWeight: number;
  /** Closeness minus this × the mean cosine to the day's other candidates and the recent feed: what every feed paper shares says little about scope. */
  background: number;
}

/** Tuned on alternate labelled dev days (bench/digestRank.ts); the other days are reported beside them. */
export const FOR_US_WEIGHTS: RankWeights = {
  k: 30,
  titleWeight: 2,
  keywordWeight: 1,
  upvoteWeight: 0.05,
  idfPower: 1,
  interestWeight: 0.25,
  background: 1.5,
};

export interface RankedPaper {
  item: HfItem;
  score: number;
  /** Mean cosine of the `k` closest profile papers, plus the interest match, less the feed's background. */
  closeness: number;
  /** The closest profile papers, closest first. */
  nearest: ProfileDoc[];
  /** Interest phrases the paper matches, best first. */
  interests: string[];
}

type Vector = Map<string, number>;

interface Fields {
  title: string;
  abstract: string;
  keywords: readonly string[];
}

/** Stemmed content words with their counts, title and keyword words weighted up. */
function termCounts(f: Fields, w: RankWeights, words: Map<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const t of tokenize(text)) {
      if (t.length < 2 || STOPWORDS.has(t) || /^\d+$/.test(t)) continue;
      const s = stem(t);
      if (!words.has(s)) words.set(s, t);
      counts.set(s, (counts.get(s) ?? 0) + weight);
    }
  };
  add(f.title, w.titleWeight);
  add(f.abstract, 1);
  if (w.keywordWeight) add(f.keywords.join(" "), w.keywordWeight);
  return counts;
}

/** Sublinear tf × idf, unit length. */
function toVector(counts: Map<string, number>, idfOf: (s: string) => number): Vector {
  const v: Vector = new Map();
  let norm = 0;
  for (const [s, c] of counts) {
    const x = (1 + Math.log(c)) * idfOf(s);
    if (x <= 0) continue;
    v.set(s, x);
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [s, x] of v) v.set(s, x / norm);
  return v;
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [s, x] of small) {
    const y = large.get(s);
    if (y !== undefined) dot += x * y;
  }
  return dot;
}

function mean(vectors: readonly Vector[]): Vector {
  const out: Vector = new Map();
  for (const v of vectors) for (const [s, x] of v) out.set(s, (out.get(s) ?? 0) + x / vectors.length);
  return out;
}

const itemFields = (item: HfItem): Fields => ({
  title: item.paper.title,
  abstract: item.paper.summary,
  keywords: item.paper.ai_keywords ?? [],
});

/**
 * The day's candidates ordered for a group: by lexical closeness to its profile (tf-idf cosine,
 * mean of the k closest profile papers, plus the best interest phrase, less what the recent feed
 * has in common), lifted by upvotes. Ties keep the
 * candidates' order. A candidate that is itself a profile paper is not its own neighbour.
 */
export function rankForGroup(items: readonly HfItem[], profile: GroupProfile, idf: Idf, weights: RankWeights = FOR_US_WEIGHTS): RankedPaper[] {
  const words = new Map<string, string>();
  const docs = profile.papers;
  const phrases = profile.interests;
  const docCounts = docs.map((d) => termCounts(d, weights, words));
  const phraseCounts = phrases.map((p) => termCounts({ title: p, abstract: "", keywords: [] }, weights, words));
  const itemCounts = items.map((i) => termCounts(itemFields(i), weights, words));
  const idfCache = new Map<string, number>();
  const idfOf = (s: string) => {
    let x = idfCache.get(s);
    if (x === undefined) idfCache.set(s, (x = idf(words.get(s) ?? s) ** weights.idfPower));
    return x;
  };
  const docVectors = docCounts.map((c) => toVector(c, idfOf));
  const phraseVectors = phraseCounts.map((c) => toVector(c, idfOf));
  const itemVectors = itemCounts.map((c) => toVector(c, idfOf));
  const itemIds = new Set(items.map((i) => i.paper.id));
  const feedVectors = weights.background
    ? profile.feed.filter((d) => !d.paperId || !itemIds.has(d.paperId)).map((d) => toVector(termCounts(d, weights, words), idfOf))
    : [];
  const backdrop = [...itemVectors, ...feedVectors];
  const centroid = mean(backdrop);
  const ranked = items.map((item, order) => {
    const v = itemVectors[order]!;
    const sims = docVectors
      .map((d, i) => ({ doc: docs[i]!, sim: docs[i]!.paperId === item.paper.id ? 0 : cosine(v, d) }))
      .sort((a, b) => b.sim - a.sim);
    const top = sims.slice(0, Math.max(1, weights.k));
    let closeness = top.length ? top.reduce((n, x) => n + x.sim, 0) / top.length : 0;
    const matched = phraseVectors
      .map((p, i) => ({ phrase: phrases[i]!, sim: cosine(v, p) }))
      .filter((x) => x.sim > 0)
      .sort((a, b) => b.sim - a.sim);
    closeness += weights.interestWeight * (matched[0]?.sim ?? 0);
    if (weights.background && backdrop.length > 1) {
      // The centroid without this paper itself.
      const others = (cosine(v, centroid) * backdrop.length - 1) / (backdrop.length - 1);
      closeness -= weights.background * others;
    }
    // Out of scope, upvotes decide among themselves (the tie-break) and never lift one past a paper in scope.
    const score = Math.max(0, closeness) * (1 + weights.upvoteWeight * Math.log1p(Math.max(0, item.paper.upvotes)));
    const nearest = top.filter((x) => x.sim > 0).map((x) => x.doc);
    return { item, score, closeness, nearest, interests: matched.map((x) => x.phrase), order };
  });
  ranked.sort((a, b) => b.score - a.score || b.item.paper.upvotes - a.item.paper.upvotes || a.order - b.order);
  return ranked.map(({ order: _order, ...r }) => r);
}

/** "close to SSDTrain and MemAscend", with "matches “LLM serving”" first when an interest does; "popular today" when nothing is close. */
export function rankReason(r: RankedPaper, names = 2): string {
  if (r.score <= 0) return `popular today (▲ ${r.item.paper.upvotes})`;
  const papers = r.nearest.slice(0, names).map((d) => shortTitle(d.title));
  const parts = [r.interests.length ? `matches “${r.interests[0]}”` : "", papers.length ? `close to ${papers.join(" and ")}` : ""];
  return parts.filter(Boolean).join("; ");
}

/** A ranker for `selectPapers`: the group's order, each paper with its reason. */
export function groupRanker(profile: GroupProfile, idf: Idf, weights: RankWeights = FOR_US_WEIGHTS): PaperRanker {
  return (eligible) => rankForGroup(eligible, profile, idf, weights).map((r) => ({ item: r.item, reason: rankReason(r) }));
}
