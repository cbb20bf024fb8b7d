import type { HfItem } from "../ingest/hfItem.js";
import { shortTitle } from "../text/prose.js";
import type { GroupProfile, ProfileDoc } from "./groupProfile.js";
import { FOR_US_SIGNALS } from "./signals/forUs.js";
import { closest, type Candidate, type Embedded, type GroupState, type RankSignal } from "./signals/signal.js";
import type { PaperRanker } from "./selectPapers.js";
import { liked } from "./signals/votes.js";
import { mean, termCounts, toVector, type Fields } from "./tfidf.js";

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
  /** Plus this × the closeness to papers the group 👍'd or ⭐'d, minus `dislikedWeight` × the closeness to those it 👎'd. */
  likedWeight: number;
  dislikedWeight: number;
  /** Voted papers' closeness is the mean over this many closest voted papers ... */
  feedbackK: number;
  /** ... each cosine counted by its net votes up to this many. */
  voteCap: number;
}

/**
 * Tuned on alternate labelled dev days (bench/digestRank.ts); the other days are reported beside them.
 * The vote weights were chosen on the feedback simulation over all ten dev days (bench/digestFeedback.ts).
 */
export const FOR_US_WEIGHTS: RankWeights = {
  k: 30,
  titleWeight: 2,
  keywordWeight: 1,
  upvoteWeight: 0.05,
  idfPower: 1,
  interestWeight: 0.25,
  background: 1.5,
  likedWeight: 1,
  dislikedWeight: 0.5,
  feedbackK: 5,
  voteCap: 2,
};

export interface RankedPaper {
  item: HfItem;
  score: number;
  /** The weighted sum of the signals. */
  closeness: number;
  /** Each signal's weighted part of the closeness, in FOR_US_SIGNALS order (signals of weight 0 left out). */
  signals: { name: string; value: number }[];
  /** The closest profile papers, closest first. */
  nearest: ProfileDoc[];
  /** Interest phrases the paper matches, best first. */
  interests: string[];
  /** The closest paper the group 👍'd, when that pulled this one up. */
  likedNearest?: ProfileDoc;
}

const itemFields = (item: HfItem): Fields => ({
  title: item.paper.title,
  abstract: item.paper.summary,
  keywords: item.paper.ai_keywords ?? [],
});

const asPhrase = (p: string): Fields => ({ title: p, abstract: "", keywords: [] });

/** Every text ranking `items` for `profile` weighs: what its idf is asked about (see `collectionIdf`). */
export function rankedTexts(items: readonly HfItem[], profile: GroupProfile): Fields[] {
  return [...profile.papers, ...profile.interests.map(asPhrase), ...profile.liked, ...profile.disliked, ...items.map(itemFields), ...profile.feed];
}

/** The group's profile, interests, votes and the day's backdrop as tf-idf vectors over one vocabulary. */
function groupState(items: readonly HfItem[], profile: GroupProfile, idf: Idf, weights: RankWeights): { state: GroupState; candidates: Candidate[] } {
  const words = new Map<string, string>();
  const idfCache = new Map<string, number>();
  const idfOf = (s: string) => {
    let x = idfCache.get(s);
    if (x === undefined) idfCache.set(s, (x = idf(words.get(s) ?? s) ** weights.idfPower));
    return x;
  };
  // Counted first, weighed after: idf looks up each stem's written form, known once every text is counted.
  const counted = <T>(docs: readonly T[], fields: (d: T) => Fields) => docs.map((doc) => ({ doc, counts: termCounts(fields(doc), weights, words) }));
  const parts = {
    profile: counted(profile.papers, (d) => d),
    interests: counted(profile.interests, asPhrase),
    liked: counted(profile.liked, (d) => d),
    disliked: counted(profile.disliked, (d) => d),
    items: counted(items, itemFields),
  };
  const itemIds = new Set(items.map((i) => i.paper.id));
  const feed = weights.background
    ? counted(
        profile.feed.filter((d) => !d.paperId || !itemIds.has(d.paperId)),
        (d) => d,
      )
    : [];
  const embed = <T>(xs: { doc: T; counts: Map<string, number> }[]): Embedded<T>[] =>
    xs.map((x) => ({ doc: x.doc, vector: toVector(x.counts, idfOf) }));
  const candidates = embed(parts.items).map((e) => ({ item: e.doc, vector: e.vector }));
  const backdrop = [...candidates.map((c) => c.vector), ...embed(feed).map((e) => e.vector)];
  const state: GroupState = {
    profile: embed(parts.profile),
    interests: embed(parts.interests),
    liked: embed(parts.liked),
    disliked: embed(parts.disliked),
    backdrop: { centroid: mean(backdrop), size: backdrop.length },
    weights,
  };
  return { state, candidates };
}

/**
 * The day's candidates ordered for a group: each signal (closeness to the group's papers, the best
 * interest phrase, papers it voted on, less what the recent feed has in common) weighed and summed,
 * lifted by upvotes. Ties keep the candidates' order.
 */
export function rankForGroup(
  items: readonly HfItem[],
  profile: GroupProfile,
  idf: Idf,
  weights: RankWeights = FOR_US_WEIGHTS,
  signals: readonly RankSignal[] = FOR_US_SIGNALS,
): RankedPaper[] {
  const { state, candidates } = groupState(items, profile, idf, weights);
  const profileIds = new Set(profile.papers.map((p) => p.paperId));
  const ranked = candidates.map((c, order) => {
    const values = signals.flatMap((s) => {
      const w = s.weight(weights);
      return w ? [{ name: s.name, value: w * s.value(c, state) }] : [];
    });
    const closeness = values.reduce((n, v) => n + v.value, 0);
    // Out of scope, upvotes decide among themselves (the tie-break) and never lift one past a paper in scope.
    const score = Math.max(0, closeness) * (1 + weights.upvoteWeight * Math.log1p(Math.max(0, c.item.paper.upvotes)));
    const nearest = closest(c, state.profile)
      .slice(0, Math.max(1, weights.k))
      .filter((x) => x.sim > 0)
      .map((x) => x.doc);
    const interests = closest(c, state.interests)
      .filter((x) => x.sim > 0)
      .map((x) => x.doc);
    const likedPart = values.find((v) => v.name === liked.name)?.value ?? 0;
    // A ⭐'d paper is also a profile paper, named by "close to".
    const top = likedPart > 0 ? closest(c, state.liked)[0]?.doc : undefined;
    const likedNearest = top && !profileIds.has(top.paperId ?? "") ? top : undefined;
    return { item: c.item, score, closeness, signals: values, nearest, interests, likedNearest, order };
  });
  ranked.sort((a, b) => b.score - a.score || b.item.paper.upvotes - a.item.paper.upvotes || a.order - b.order);
  return ranked.map(({ order: _order, ...r }) => r);
}

/** "close to SSDTrain and MemAscend", with "matches “LLM serving”" first when an interest does; "popular today" when nothing is close. */
export function rankReason(r: RankedPaper, names = 2): string {
  if (r.score <= 0) return `popular today (▲ ${r.item.paper.upvotes})`;
  const papers = r.nearest.slice(0, names).map((d) => shortTitle(d.title));
  const parts = [
    r.interests.length ? `matches “${r.interests[0]}”` : "",
    r.likedNearest ? `like 👍 ${shortTitle(r.likedNearest.title)}` : "",
    papers.length ? `close to ${papers.join(" and ")}` : "",
  ];
  return parts.filter(Boolean).join("; ");
}

/** A ranker for `selectPapers`: the group's order, each paper with its reason. */
export function groupRanker(
  profile: GroupProfile,
  idf: Idf,
  weights: RankWeights = FOR_US_WEIGHTS,
  signals: readonly RankSignal[] = FOR_US_SIGNALS,
): PaperRanker {
  return (eligible) =>
    rankForGroup(eligible, profile, idf, weights, signals).map((r) => ({ item: r.item, reason: rankReason(r), score: r.score, signals: r.signals }));
}
