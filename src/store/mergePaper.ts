import type { PaperInput, PaperSource } from "./paper.js";
import { arxivLinks } from "./paper.js";
import { normalizeTitle } from "./paperId.js";
import type { ContentColumns } from "./paperRow.js";
import { clip, sanitizeText, STORED_MAX } from "./storedText.js";

/** The feed's text is the most complete, then the arXiv dump's, then the scraped seed page's. */
const RANK: Record<PaperSource, number> = { seed: 0, arxiv: 1, hf: 2 };

/** Whitespace other than single spaces between words: text without any is stored as it is (the usual case, and faster). */
const OTHER_SPACE = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const untidy = (t: string) => t.startsWith(" ") || t.endsWith(" ") || t.includes("  ") || OTHER_SPACE.test(t);

/** Outside text as stored: sanitised, one space between words, at most `max` characters. */
const clean = (s: string | undefined, max: number) => {
  if (s === undefined) return null;
  let t = sanitizeText(s);
  if (untidy(t)) t = t.replace(/\s+/g, " ").trim();
  return t ? clip(t, max) : null;
};

/** The columns for `input` merged over what is stored (`existing`, if any). Fields the input lacks keep their stored value. */
export function mergePaper(input: PaperInput, existing?: ContentColumns): ContentColumns {
  const links = { ...(input.arxivId ? arxivLinks(input.arxivId) : {}), ...input.links };
  const newer = !existing || RANK[input.source] >= RANK[existing.source];
  const title = clean(input.title, STORED_MAX.title) ?? existing?.title ?? "";
  const abstract = clean(input.abstract, STORED_MAX.abstract) ?? existing?.abstract ?? "";
  const authors = input.authors.flatMap((a) => clean(a, STORED_MAX.authorName) ?? []);
  const stored = existing ? (JSON.parse(existing.authors) as string[]) : [];
  const takeInput = authors.length > 0 && (newer || !stored.length);
  const keepAuthors = takeInput ? authors.slice(0, STORED_MAX.authors) : stored;
  // A lower-ranked source (the seed page after the feed) only fills gaps; it never overwrites.
  const pick = <T>(value: T | undefined | null, stored: T | null | undefined): T | null =>
    newer ? (value ?? stored ?? null) : (stored ?? value ?? null);
  const pickText = (value: string | undefined, stored: string | null | undefined, max: number) => pick(clean(value, max), stored);

  const chosenTitle = newer || !existing ? title : existing.title;
  return {
    arxiv_id: pick(input.arxivId, existing?.arxiv_id),
    title: chosenTitle,
    title_key: normalizeTitle(chosenTitle),
    abstract: newer || !existing ? abstract : existing.abstract,
    authors: JSON.stringify(keepAuthors),
    author_count: Math.max(takeInput ? authors.length : keepAuthors.length, input.authorCount ?? existing?.author_count ?? 0),
    organization: pickText(input.organization, existing?.organization, STORED_MAX.organization),
    published_at: pick(input.publishedAt, existing?.published_at),
    feed_date: pick(input.feedDate, existing?.feed_date),
    upvotes: pick(input.upvotes, existing?.upvotes) ?? 0,
    hf_url: pick(links.hf, existing?.hf_url),
    arxiv_url: pick(links.arxiv, existing?.arxiv_url),
    pdf_url: pick(links.pdf, existing?.pdf_url),
    github_url: pick(links.github, existing?.github_url),
    project_url: pick(links.project, existing?.project_url),
    github_stars: pick(input.githubStars, existing?.github_stars),
    thumbnail: pick(input.thumbnail, existing?.thumbnail),
    ai_summary: pickText(input.aiSummary, existing?.ai_summary, STORED_MAX.aiSummary),
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
