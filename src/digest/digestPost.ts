import { DISCORD_LIMITS } from "../config/discordLimits.js";
import type { Logger } from "../config/logger.js";
import type { HfItem } from "../ingest/hfItem.js";
import { escapeMarkdown, linkUrl, neutralizeMentions } from "../text/discordText.js";
import type { DigestFilter, Selection } from "./selectPapers.js";
import { normalizeSpace, splitSentences, truncate } from "../text/prose.js";

export { DISCORD_LIMITS };

/** What the entries' titles and descriptions may add up to: under the limit, with room to spare. */
const EMBEDS_BUDGET = 5800;
const TLDR_MAX = 350;
const TLDR_FLOOR = 60;
const TITLE_FLOOR = 80;

export type TldrSource = "ai_summary" | "model" | "abstract";

export interface TldrRequest {
  arxivId: string;
  title: string;
  abstract: string;
}

/** Writes a one or two sentence TL;DR (a model); undefined or a throw falls back to the abstract. */
export type TldrWriter = (paper: TldrRequest) => Promise<string | undefined>;

/** One paper of the post, as one embed: `title` linked to `url`, `description`, `thumbnail`. */
export interface DigestEntry {
  paperId: string;
  /** Markdown-escaped, at most 256 characters. */
  title: string;
  /** The paper's Hugging Face page. */
  url: string;
  /** Ready to use: the TL;DR, the authors, upvotes and links, within every limit. */
  description: string;
  arxivUrl: string;
  /** "Ada Lovelace, Alan Turing, Grace Hopper et al.", markdown-escaped. */
  authors: string;
  upvotes: number;
  githubUrl?: string;
  thumbnail?: string;
  /** Markdown-escaped; already part of `description`. */
  tldr: string;
  tldrSource: TldrSource;
  /** Why the paper is in the post ("close to SSDTrain and MemAscend"), markdown-escaped; already part of `description`. */
  reason?: string;
}

/**
 * One message, as plain data: `content` is the header line, then one embed per entry. Every text is
 * escaped and mention-free, the content is under 2000 characters, and the entries' titles plus
 * descriptions stay under Discord's 6000 characters per message.
 */
export interface DigestPost {
  date: string;
  content: string;
  entries: DigestEntry[];
  paperIds: string[];
}

export const hfPaperUrl = (arxivId: string) => `https://huggingface.co/papers/${arxivId}`;
export const arxivAbsUrl = (arxivId: string) => `https://arxiv.org/abs/${arxivId}`;
export const hfDayUrl = (date: string) => `https://huggingface.co/papers/date/${date}`;

/** How every digest message starts: reconciliation recognises the bot's earlier post for a date by it. */
export function digestHeaderPrefix(date: string): string {
  return `📰 Daily Papers — ${date}`;
}

/** "📰 Daily Papers — 2026-02-10 · 5 of 41 new papers (12 match: include llm · ≥ 10 upvotes) · [all papers](…)" */
export function digestHeader(selection: Selection, filter: DigestFilter): string {
  const shown = selection.papers.length;
  const notes: string[] = [];
  if (filter.include.length) notes.push(`include ${filter.include.join(", ")}`);
  if (filter.exclude.length) notes.push(`exclude ${filter.exclude.join(", ")}`);
  if (filter.minUpvotes > 0) notes.push(`≥ ${filter.minUpvotes} upvotes`);
  const filtered = notes.length ? ` (${selection.eligible} match: ${safeText(truncate(notes.join(" · "), 400))})` : "";
  const before = selection.alreadyPosted ? ` · ${selection.alreadyPosted} posted here before` : "";
  const noun = selection.newToday === 1 ? "paper" : "papers";
  return (
    `${digestHeaderPrefix(selection.date)} · ${shown} of ${selection.newToday} new ${noun}${filtered}${before}` +
    ` · [all papers](<${hfDayUrl(selection.date)}>)`
  );
}

/** The first three names, then "et al." */
export function formatAuthors(names: readonly string[]): string {
  const shown = names
    .slice(0, 3)
    .map((n) => n.trim())
    .filter(Boolean);
  if (!shown.length) return "";
  return names.length > 3 ? `${shown.join(", ")} et al.` : shown.join(", ");
}

function safeText(text: string): string {
  return escapeMarkdown(neutralizeMentions(text));
}

/** Escaped text of at most `max` characters (escaping lengthens it, so the raw text is cut until it fits). */
function fitEscaped(raw: string, max: number): string {
  for (let k = max; ; ) {
    const out = safeText(truncate(raw, k));
    if (out.length <= max || k <= 1) return out.slice(0, max);
    k -= out.length - max;
  }
}

/**
 * A short summary from prose: the first sentence, or the first two when the first is short, cut to
 * `maxChars` at a word boundary.
 */
export function leadSentences(text: string, maxChars = 300, enoughChars = 80): string {
  const sentences = splitSentences(text);
  let out = sentences[0] ?? "";
  if (out.length < enoughChars && sentences[1] && out.length + 1 + sentences[1].length <= maxChars) out = `${out} ${sentences[1]}`;
  return truncate(out, maxChars);
}

function cleanTldr(text: string): string {
  return leadSentences(normalizeSpace(text).replace(/^(tl;?dr|summary)\s*[:\-–—]\s*/i, ""), TLDR_MAX);
}

/** The TL;DR: the feed's AI summary, else the model's, else the abstract's first sentence. */
export async function writeTldr(item: HfItem, tldr?: TldrWriter, log?: Logger): Promise<{ text: string; source: TldrSource }> {
  const p = item.paper;
  const given = p.ai_summary?.trim();
  if (given) return { text: cleanTldr(given), source: "ai_summary" };
  if (tldr) {
    try {
      const written = (await tldr({ arxivId: p.id, title: p.title, abstract: p.summary }))?.trim();
      if (written) return { text: cleanTldr(written), source: "model" };
    } catch (err) {
      log?.warn({ paper: p.id, err: String(err) }, "TL;DR model failed; using the abstract");
    }
  }
  return { text: leadSentences(p.summary, 300), source: "abstract" };
}

const REASON_MAX = 150;

interface Draft {
  item: HfItem;
  reason?: string;
  tldr: { text: string; source: TldrSource };
}

function renderEntry(d: Draft, titleMax: number, tldrMax: number): DigestEntry {
  const p = d.item.paper;
  const arxivUrl = arxivAbsUrl(p.id);
  const authors = fitEscaped(formatAuthors(p.authors.map((a) => a.name)), 200);
  const tldr = fitEscaped(d.tldr.text, tldrMax);
  const links = [`▲ ${p.upvotes}`, `[arXiv](${linkUrl(arxivUrl)})`];
  const github = p.githubRepo && p.githubRepo.length <= 300 ? p.githubRepo : undefined;
  if (github) links.push(`[GitHub](${linkUrl(github)})`);
  const reason = d.reason ? fitEscaped(normalizeSpace(d.reason), REASON_MAX) : undefined;
  const description = [tldr, authors ? `*${authors}*` : "", reason ? `🎯 ${reason}` : "", links.join(" · ")].filter(Boolean).join("\n");
  return {
    paperId: p.id,
    title: fitEscaped(normalizeSpace(p.title), titleMax),
    url: hfPaperUrl(p.id),
    description,
    arxivUrl,
    authors,
    upvotes: p.upvotes,
    githubUrl: github,
    thumbnail: d.item.thumbnail ?? undefined,
    tldr,
    tldrSource: d.tldr.source,
    reason,
  };
}

/** Characters the entries count toward the per-message embed limit. */
export function embedChars(entries: readonly DigestEntry[]): number {
  return entries.reduce((n, e) => n + e.title.length + e.description.length, 0);
}

/** Lays out the selected papers as one message; TL;DRs (then titles) are shortened until the whole fits. */
export async function buildDigestPost(args: { selection: Selection; filter: DigestFilter; tldr?: TldrWriter; log?: Logger }): Promise<DigestPost> {
  const { selection, filter } = args;
  const items = selection.papers.slice(0, DISCORD_LIMITS.embeds);
  const drafts: Draft[] = await Promise.all(
    items.map(async (item) => ({
      item,
      reason: selection.reasons.get(item.paper.id),
      tldr: await writeTldr(item, args.tldr, args.log),
    })),
  );
  let titleMax: number = DISCORD_LIMITS.embedTitle;
  let tldrMax = TLDR_MAX;
  let entries = drafts.map((d) => renderEntry(d, titleMax, tldrMax));
  for (let i = 0; i < 50 && entries.length && embedChars(entries) > EMBEDS_BUDGET; i++) {
    const perEntry = Math.ceil((embedChars(entries) - EMBEDS_BUDGET) / entries.length);
    if (tldrMax > TLDR_FLOOR) tldrMax = Math.max(TLDR_FLOOR, tldrMax - perEntry);
    else if (titleMax > TITLE_FLOOR) titleMax = Math.max(TITLE_FLOOR, titleMax - perEntry);
    else break;
    entries = drafts.map((d) => renderEntry(d, titleMax, tldrMax));
  }
  return {
    date: selection.date,
    content: truncate(digestHeader(selection, filter), DISCORD_LIMITS.content),
    entries,
    paperIds: entries.map((e) => e.paperId),
  };
}
