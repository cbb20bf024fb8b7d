import type { PaperInput, PaperSource } from "./paper.js";
import { arxivLinks } from "./paper.js";
import { normalizeTitle } from "./paperId.js";
import type { ContentColumns } from "./paperRow.js";
import { clip, isTidyText, userText } from "../text/userText.js";
import { STORED_MAX } from "./storedText.js";

/** The feed's text is the most complete, then the arXiv dump's, then the scraped seed page's. */
const RANK: Record<PaperSource, number> = { seed: 0, arxiv: 1, hf: 2 };

/** Outside text as stored: sanitised, one space between words, at most `max` characters. */
const clean = (s: string | undefined, max: number) => {
  if (s === undefined) return null;
  // Most text is already clean and tidy: one scan says so.
  if (isTidyText(s)) return s ? clip(s, max) : null;
  const t = userText(s);
  return t ? clip(t, max) : null;
};

/** The newer source's value, else the stored one; for an older source the other way round. */
const pick = <T>(newer: boolean, value: T | undefined | null, stored: T | null | undefined): T | null =>
  newer ? (value ?? stored ?? null) : (stored ?? value ?? null);

/**
 * The columns for `input` merged over what is stored (`existing`, if any). Fields the input lacks keep their stored value.
 * `inputKey`, if the caller has it, is `normalizeTitle(input.title)`, so it is not computed twice.
 */
export function mergePaper(input: PaperInput, existing?: ContentColumns, inputKey?: string): ContentColumns {
  const links = { ...(input.arxivId ? arxivLinks(input.arxivId) : {}), ...input.links };
  const newer = !existing || RANK[input.source] >= RANK[existing.source];
  const title = clean(input.title, STORED_MAX.title) ?? existing?.title ?? "";
  const abstract = clean(input.abstract, STORED_MAX.abstract) ?? existing?.abstract ?? "";
  const authors = input.authors.flatMap((a) => clean(a, STORED_MAX.authorName) ?? []);
  const stored = existing ? (JSON.parse(existing.authors) as string[]) : [];
  const takeInput = authors.length > 0 && (newer || !stored.length);
  const keepAuthors = takeInput ? authors.slice(0, STORED_MAX.authors) : stored;
  // A lower-ranked source (the seed page after the feed) only fills gaps; it never overwrites.
  const chosenTitle = newer || !existing ? title : existing.title;
  return {
    arxiv_id: pick(newer, input.arxivId, existing?.arxiv_id),
    title: chosenTitle,
    title_key: inputKey !== undefined && chosenTitle === input.title ? inputKey : normalizeTitle(chosenTitle),
    abstract: newer || !existing ? abstract : existing.abstract,
    authors: JSON.stringify(keepAuthors),
    author_count: Math.max(takeInput ? authors.length : keepAuthors.length, input.authorCount ?? existing?.author_count ?? 0),
    organization: pick(newer, clean(input.organization, STORED_MAX.organization), existing?.organization),
    published_at: pick(newer, input.publishedAt, existing?.published_at),
    feed_date: pick(newer, input.feedDate, existing?.feed_date),
    upvotes: pick(newer, input.upvotes, existing?.upvotes) ?? 0,
    hf_url: pick(newer, links.hf, existing?.hf_url),
    arxiv_url: pick(newer, links.arxiv, existing?.arxiv_url),
    pdf_url: pick(newer, links.pdf, existing?.pdf_url),
    github_url: pick(newer, links.github, existing?.github_url),
    project_url: pick(newer, links.project, existing?.project_url),
    github_stars: pick(newer, input.githubStars, existing?.github_stars),
    thumbnail: pick(newer, input.thumbnail, existing?.thumbnail),
    ai_summary: pick(newer, clean(input.aiSummary, STORED_MAX.aiSummary), existing?.ai_summary),
    ai_keywords: listColumn(input.aiKeywords, existing?.ai_keywords, newer),
    categories: listColumn(input.categories, existing?.categories, newer),
    source: newer ? input.source : existing.source,
  };
}

/** A JSON list column: the newer source's non-empty list wins; otherwise what is stored. */
function listColumn(value: string[] | undefined, stored: string | undefined, newer: boolean): string {
  if (value?.length && (newer || !stored || stored === "[]")) return JSON.stringify(value);
  return stored ?? "[]";
}
