import { inWindow, type FeedWindow } from "./feedWindow.js";
import type { HfItem } from "../ingest/hfItem.js";
import { followedAuthorOf } from "./authorName.js";

export interface DigestFilter {
  include: readonly string[];
  exclude: readonly string[];
  minUpvotes: number;
}

export interface SelectOptions extends DigestFilter {
  /** The post's date, YYYY-MM-DD; without a `window`, also the feed day whose papers count as new. */
  date: string;
  /** The 24 hours of feed the post covers (see feedWindow.ts). */
  window?: Pick<FeedWindow, "start" | "end">;
  count: number;
  /** arXiv ids already posted to this channel on an earlier day (a map gives the day each was posted). */
  alreadyPosted?: ReadonlySet<string> | ReadonlyMap<string, string>;
  /** Orders what is left after the filters, saying why each paper is there; without it, most upvoted first. */
  rank?: PaperRanker;
  /** Followed authors' names: their eligible papers come first, whatever their upvotes. */
  followed?: readonly string[];
}

/** One number behind a ranker's score ("closeness", "upvotes"). */
export interface SignalValue {
  name: string;
  value: number;
}

/** The eligible papers in the order to post them, each with a few words on why (and optionally the score and what made it). */
export type PaperRanker = (eligible: readonly HfItem[]) => { item: HfItem; reason?: string; score?: number; signals?: SignalValue[] }[];

interface RankedFacts {
  /** Its place among the day's eligible papers (followed ones first), from 1. */
  rank: number;
  reason?: string;
  score?: number;
  signals?: SignalValue[];
}

/** What became of one paper of the day's feed. */
export type PaperOutcome =
  | ({ kind: "posted"; followed?: undefined } & RankedFacts)
  /** Posted first because `followed` (as the paper spells it) is a followed author. */
  | { kind: "posted"; rank: number; followed: string }
  /** Eligible, but the post was full; `followed` when it lost to other followed authors' papers. */
  | ({ kind: "not-picked"; holds: number; followed?: string } & RankedFacts)
  | { kind: "below-min-upvotes"; upvotes: number; min: number }
  /** An exclude term matched (`exclude`), or no include term did (`include`). */
  | { kind: "filtered"; exclude?: string; include?: readonly string[] }
  /** Posted to this channel before, on `on` when known. */
  | { kind: "already-posted"; on?: string }
  /** In the fetched feed, but it entered the feed outside the post's window. */
  | { kind: "not-new"; enteredOn?: string }
  /** Not in the fetched feed at all. */
  | { kind: "absent" };

export interface Selection {
  date: string;
  /** What to post, in order (most upvoted first unless a ranker was given). */
  papers: HfItem[];
  /** Why each posted paper is there, by paper id (set by a ranker). */
  reasons: Map<string, string>;
  /** Distinct papers that entered the feed on `date`. */
  newToday: number;
  alreadyPosted: number;
  belowMinUpvotes: number;
  /** Dropped by the include / exclude terms. */
  offTopic: number;
  /** Left after every filter, before keeping the top `count`. */
  eligible: number;
  /** Of `papers`, how many are there because of a followed author (they come first). */
  followed: number;
  /** What became of each distinct paper of the feed, by paper id. */
  outcomes: Map<string, PaperOutcome>;
}

/**
 * Whether a term occurs in a text, case-insensitively, as whole words: "rag" does not match
 * "storage", "agent" matches "agents", "long context" matches "long-context", and a trailing "*"
 * matches any ending ("quantiz*" → "quantized", "quantization").
 */
export function termMatcher(term: string): (text: string) => boolean {
  const t = term.trim();
  const prefix = t.endsWith("*");
  const body = (prefix ? t.slice(0, -1) : t)
    .trim()
    .split(/[\s\-‐–]+/)
    .filter(Boolean)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join("[\\s\\-‐–]+");
  if (!body) return () => false;
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${body}${prefix ? "" : "(?:s|es)?(?![\\p{L}\\p{N}])"}`, "iu");
  return (text) => re.test(text);
}

function topicText(item: HfItem): string {
  const p = item.paper;
  return [p.title, p.summary, ...(p.ai_keywords ?? [])].join("\n");
}

/** Why a paper fails the include / exclude terms (the exclude term that matched, or the include terms none of which did); undefined when it passes. */
export function topicVerdict(
  include: readonly string[],
  exclude: readonly string[],
): (item: HfItem) => { exclude: string } | { include: readonly string[] } | undefined {
  const inc = include.map(termMatcher);
  const exc = exclude.map((t) => ({ term: t, m: termMatcher(t) }));
  if (!inc.length && !exc.length) return () => undefined;
  return (item) => {
    const text = topicText(item);
    const hit = exc.find((e) => e.m(text));
    if (hit) return { exclude: hit.term };
    return !inc.length || inc.some((m) => m(text)) ? undefined : { include };
  };
}

/** Include: any term matches (or there are none); exclude: no term matches. On title, abstract and keywords. */
export function topicFilter(include: readonly string[], exclude: readonly string[]): (item: HfItem) => boolean {
  const verdict = topicVerdict(include, exclude);
  return (item) => verdict(item) === undefined;
}

/** Whether the paper entered the daily feed on `date`; an item without the field counts as listed for the day it was fetched. */
export function enteredFeedOn(item: HfItem, date: string): boolean {
  const at = item.paper.submittedOnDailyAt;
  return at === undefined || at.slice(0, 10) === date;
}

/**
 * The day's papers to post: new that day, not posted here before, on topic, upvoted enough; the top
 * `count` by upvotes, or by `rank`. A followed author's eligible paper needs no upvotes and comes
 * first; followed papers take the whole post if there are that many. Records what became of every paper.
 */
export function selectPapers(items: readonly HfItem[], opts: SelectOptions): Selection {
  const offTopic = topicVerdict(opts.include, opts.exclude);
  const followed = opts.followed ?? [];
  const sel: Selection = {
    date: opts.date,
    papers: [],
    reasons: new Map(),
    newToday: 0,
    alreadyPosted: 0,
    belowMinUpvotes: 0,
    offTopic: 0,
    eligible: 0,
    followed: 0,
    outcomes: new Map(),
  };
  const out = sel.outcomes;
  const eligible: { item: HfItem; order: number }[] = [];
  const byFollowed: { item: HfItem; author: string; order: number }[] = [];
  for (const item of items) {
    const id = item.paper.id;
    if (out.has(id) && out.get(id)!.kind !== "not-new") continue;
    const isNew = opts.window ? inWindow(item, opts.window) : enteredFeedOn(item, opts.date);
    if (!isNew) {
      out.set(id, { kind: "not-new", enteredOn: item.paper.submittedOnDailyAt?.slice(0, 10) });
      continue;
    }
    sel.newToday++;
    if (opts.alreadyPosted?.has(id)) {
      sel.alreadyPosted++;
      const on = opts.alreadyPosted instanceof Map ? opts.alreadyPosted.get(id) : undefined;
      out.set(id, { kind: "already-posted", on });
      continue;
    }
    const author = followed.length
      ? followedAuthorOf(
          followed,
          item.paper.authors.map((a) => a.name),
        )
      : undefined;
    if (!author && item.paper.upvotes < opts.minUpvotes) {
      sel.belowMinUpvotes++;
      out.set(id, { kind: "below-min-upvotes", upvotes: item.paper.upvotes, min: opts.minUpvotes });
      continue;
    }
    const verdict = offTopic(item);
    if (verdict) {
      sel.offTopic++;
      out.set(id, { kind: "filtered", ...verdict });
      continue;
    }
    if (author) byFollowed.push({ item, author, order: eligible.length + byFollowed.length });
    else eligible.push({ item, order: eligible.length + byFollowed.length });
    out.set(id, { kind: "absent" }); // a placeholder, replaced below
  }
  sel.eligible = eligible.length + byFollowed.length;
  // Ties keep the feed's own (trending) order.
  const byUpvotes = <T extends { item: HfItem; order: number }>(a: T, b: T) => b.item.paper.upvotes - a.item.paper.upvotes || a.order - b.order;
  byFollowed.sort(byUpvotes);
  eligible.sort(byUpvotes);
  const count = Math.max(0, opts.count);
  byFollowed.forEach((f, i) => {
    const rank = i + 1;
    if (rank <= count) {
      sel.papers.push(f.item);
      sel.reasons.set(f.item.paper.id, `by ${f.author} (followed)`);
      out.set(f.item.paper.id, { kind: "posted", rank, followed: f.author });
    } else out.set(f.item.paper.id, { kind: "not-picked", rank, holds: count, followed: f.author });
  });
  sel.followed = sel.papers.length;
  const ranked = opts.rank ? opts.rank(eligible.map((e) => e.item)) : eligible.map((e) => ({ item: e.item }) as ReturnType<PaperRanker>[number]);
  ranked.forEach((r, i) => {
    const rank = byFollowed.length + i + 1;
    const facts = { rank, reason: r.reason, score: r.score, signals: r.signals };
    if (rank <= count) {
      sel.papers.push(r.item);
      if (r.reason) sel.reasons.set(r.item.paper.id, r.reason);
      out.set(r.item.paper.id, { kind: "posted", ...facts });
    } else out.set(r.item.paper.id, { kind: "not-picked", holds: count, ...facts });
  });
  // A ranker that left a paper out: it was not picked, with no place of its own.
  for (const e of eligible)
    if (out.get(e.item.paper.id)?.kind === "absent") out.set(e.item.paper.id, { kind: "not-picked", rank: sel.eligible, holds: count });
  return sel;
}
