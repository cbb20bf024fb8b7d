import { inWindow, type FeedWindow } from "./feedWindow.js";
import type { HfItem } from "../ingest/hfItem.js";

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
  /** arXiv ids already posted to this channel on an earlier day. */
  alreadyPosted?: ReadonlySet<string>;
  /** Orders what is left after the filters, saying why each paper is there; without it, most upvoted first. */
  rank?: PaperRanker;
}

/** The eligible papers in the order to post them, each with a few words on why. */
export type PaperRanker = (eligible: readonly HfItem[]) => { item: HfItem; reason?: string }[];

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

/** Include: any term matches (or there are none); exclude: no term matches. On title, abstract and keywords. */
export function topicFilter(include: readonly string[], exclude: readonly string[]): (item: HfItem) => boolean {
  const inc = include.map(termMatcher);
  const exc = exclude.map(termMatcher);
  if (!inc.length && !exc.length) return () => true;
  return (item) => {
    const text = topicText(item);
    return (!inc.length || inc.some((m) => m(text))) && !exc.some((m) => m(text));
  };
}

/** Whether the paper entered the daily feed on `date`; an item without the field counts as listed for the day it was fetched. */
export function enteredFeedOn(item: HfItem, date: string): boolean {
  const at = item.paper.submittedOnDailyAt;
  return at === undefined || at.slice(0, 10) === date;
}

/** The day's papers to post: new that day, not posted here before, on topic, upvoted enough; the top `count` by upvotes, or by `rank`. */
export function selectPapers(items: readonly HfItem[], opts: SelectOptions): Selection {
  const onTopic = topicFilter(opts.include, opts.exclude);
  const seen = new Set<string>();
  const sel: Selection = {
    date: opts.date,
    papers: [],
    reasons: new Map(),
    newToday: 0,
    alreadyPosted: 0,
    belowMinUpvotes: 0,
    offTopic: 0,
    eligible: 0,
  };
  const eligible: { item: HfItem; order: number }[] = [];
  for (const item of items) {
    const id = item.paper.id;
    const isNew = opts.window ? inWindow(item, opts.window) : enteredFeedOn(item, opts.date);
    if (seen.has(id) || !isNew) continue;
    seen.add(id);
    sel.newToday++;
    if (opts.alreadyPosted?.has(id)) {
      sel.alreadyPosted++;
      continue;
    }
    if (item.paper.upvotes < opts.minUpvotes) {
      sel.belowMinUpvotes++;
      continue;
    }
    if (!onTopic(item)) {
      sel.offTopic++;
      continue;
    }
    eligible.push({ item, order: eligible.length });
  }
  sel.eligible = eligible.length;
  // Ties keep the feed's own (trending) order.
  eligible.sort((a, b) => b.item.paper.upvotes - a.item.paper.upvotes || a.order - b.order);
  const count = Math.max(0, opts.count);
  if (!opts.rank) {
    sel.papers = eligible.slice(0, count).map((e) => e.item);
    return sel;
  }
  for (const r of opts.rank(eligible.map((e) => e.item)).slice(0, count)) {
    sel.papers.push(r.item);
    if (r.reason) sel.reasons.set(r.item.paper.id, r.reason);
  }
  return sel;
}
