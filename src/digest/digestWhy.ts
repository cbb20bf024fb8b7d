import type { HfItem } from "../ingest/hfItem.js";
import { findArxivId, normalizeTitle } from "../store/paperId.js";
import { selectDay, type DigestDeps } from "./digestRunner.js";
import type { PaperOutcome } from "./selectPapers.js";
import { resolvePaper } from "../retrieval/resolvePaper.js";

export interface WhyAnswer {
  date: string;
  /** The paper asked about: from the day's feed, else from the collection; none when neither knows it. */
  paper?: { id: string; title: string };
  outcome: PaperOutcome;
  /** Where the ledger's record of the day disagrees with today's settings. */
  note?: string;
}

/**
 * Why a paper is (or is not) in the server's digest for `date`: the day's selection redone with the
 * server's settings and the papers its channel was sent on other days, corrected by what the
 * ledger says that day's post held. `paper` is an id, an arXiv id or link, or a loose title.
 */
export async function whyPaper(args: { guildId: string; date: string; paper: string; deps: DigestDeps }): Promise<WhyAnswer> {
  const { deps, date } = args;
  const { settings, day, selection } = await selectDay(args);
  const item = await findInFeed(day.items, args.paper, deps);
  if (!item) {
    const known = await resolved(deps, args.paper);
    return { date, paper: known && { id: known.arxivId ?? known.id, title: known.title }, outcome: { kind: "absent" } };
  }
  const id = item.paper.id;
  const paper = { id, title: item.paper.title };
  const outcome = selection.outcomes.get(id) ?? { kind: "absent" };
  const entry = settings.channelId ? await deps.stores.ledger.get({ guildId: args.guildId, channelId: settings.channelId, date }) : undefined;
  if (entry?.state !== "sent") return { date, paper, outcome };
  const at = entry.paperIds.indexOf(id);
  if (at >= 0 && outcome.kind !== "posted") {
    return { date, paper, outcome: { kind: "posted", rank: at + 1 }, note: "the settings have changed since; today they would not post it" };
  }
  if (at < 0 && outcome.kind === "posted") {
    return { date, paper, outcome, note: "but that day's post did not hold it: the settings or the feed have changed since" };
  }
  if (at >= 0 && outcome.kind === "posted" && outcome.rank !== at + 1) return { date, paper, outcome: { ...outcome, rank: at + 1 } };
  return { date, paper, outcome };
}

/** The feed item `text` names: by arXiv id or link, by the collection's reading of it, else by a loose title. */
async function findInFeed(items: readonly HfItem[], text: string, deps: DigestDeps): Promise<HfItem | undefined> {
  const byId = (id: string | undefined) => (id ? items.find((i) => i.paper.id === id) : undefined);
  const direct = byId(findArxivId(text) ?? text.trim());
  if (direct) return direct;
  const known = (await deps.stores.papers.get(text.trim())) ?? (await resolved(deps, text));
  if (known) {
    const hit = byId(known.arxivId) ?? items.find((i) => normalizeTitle(i.paper.title) === normalizeTitle(known.title));
    if (hit) return hit;
  }
  const q = normalizeTitle(text);
  if (!q) return undefined;
  return items.find((i) => normalizeTitle(i.paper.title) === q) ?? items.find((i) => normalizeTitle(i.paper.title).includes(q));
}

/** 1 → "1st", 12 → "12th", 22 → "22nd". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** "ranked 2nd, score 0.41 — close to X (closeness 0.32, upvotes 41)"; "ranked 7th, post holds 5, …" when not picked. */
function rankedText(o: {
  rank: number;
  holds?: number;
  reason?: string;
  score?: number;
  signals?: readonly { name: string; value: number }[];
}): string {
  let text = `ranked ${ordinal(o.rank)}`;
  if (o.holds !== undefined) text += `, post holds ${o.holds}`;
  if (o.score !== undefined) text += `, score ${num(o.score)}`;
  if (o.reason) text += ` — ${o.reason}`;
  // A signal that moved the score by less than what two decimals show says nothing.
  const moved = (o.signals ?? []).filter((s) => Math.abs(s.value) >= 0.005);
  if (moved.length) text += ` (${moved.map((s) => `${s.name} ${s.value > 0 ? "+" : ""}${num(s.value)}`).join(", ")})`;
  return text;
}

/** The outcome as one line: `posted: ranked 2nd, score 0.41 — …`, `below min upvotes (3 < 10)`, `filtered by "robot"`… */
export function outcomeText(o: PaperOutcome): string {
  switch (o.kind) {
    case "posted":
      return o.followed !== undefined ? `posted: by ${o.followed} (followed)` : `posted: ${rankedText(o)}`;
    case "not-picked":
      return o.followed !== undefined
        ? `by ${o.followed} (followed), but ${ordinal(o.rank)} of the followed papers and the post holds ${o.holds}`
        : rankedText(o);
    case "below-min-upvotes":
      return `below min upvotes (${o.upvotes} < ${o.min})`;
    case "filtered":
      return o.exclude !== undefined ? `filtered by "${o.exclude}"` : `filtered: no include term matched (${(o.include ?? []).join(", ")})`;
    case "already-posted":
      return o.on ? `already posted on ${o.on}` : "already posted before";
    case "not-new":
      return o.enteredOn ? `not new that day (it entered the feed on ${o.enteredOn})` : "not new that day";
    case "absent":
      return "not in that day's feed";
  }
}

/** The paper a loose name means in the collection, when one does. */
async function resolved(deps: DigestDeps, text: string) {
  return (await resolvePaper(deps.stores, text)).best?.paper;
}
